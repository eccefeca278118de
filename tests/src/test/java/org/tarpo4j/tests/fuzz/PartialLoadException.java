package org.tarpo4j.tests.fuzz;

/** A load that failed after changing what it loads into: a partially built model. */
final class PartialLoadException extends RuntimeException {
    PartialLoadException(String what, Throwable rejection) {
        super(what + " changed although the load failed with: " + rejection, rejection);
    }
}
