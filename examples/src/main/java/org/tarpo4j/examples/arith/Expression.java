package org.tarpo4j.examples.arith;

import java.util.ArrayList;
import java.util.List;

/**
 * An arithmetic expression {@code a∘b∘c...} over {+, -, *} with standard precedence, and its worked solution.
 *
 * @param operands {@code ops.size() + 1} operands
 * @param ops      each one of {@code '+'}, {@code '-'}, {@code '*'}
 */
record Expression(List<Long> operands, List<Character> ops) {
    Expression {
        operands = List.copyOf(operands);
        ops = List.copyOf(ops);
        if (operands.size() != ops.size() + 1) throw new IllegalArgumentException(operands.size() + " operands for " + ops.size() + " operations");
        for (char op : ops) if (op != '+' && op != '-' && op != '*') throw new IllegalArgumentException("operation " + op);
    }

    /**
     * The solution: one step per operation, {@code "a*b=c"}; all multiplications first, left to right, then a
     * left-to-right fold of the additions and subtractions over the products.
     *
     * @param steps       e.g. {@code ["5*3=15", "7+15=22", "22-2=20"]} for {@code 7+5*3-2}
     * @param result      the value of the expression
     * @param goesNegative whether some step's result is below zero
     */
    record Solution(List<String> steps, long result, boolean goesNegative) {
        /** {@code "5*3=15, 7+15=22, 22-2=20 #### 20"}: the completion the model learns, without EOS. */
        String completion() {
            return String.join(", ", steps) + " #### " + result;
        }
    }

    /** {@code "7+5*3-2"}. */
    String text() {
        StringBuilder s = new StringBuilder().append(operands.get(0));
        for (int i = 0; i < ops.size(); i++) s.append(ops.get(i)).append(operands.get(i + 1));
        return s.toString();
    }

    Solution solve() {
        List<String> steps = new ArrayList<>();
        // multiplications collapse each run of '*' into one term of the sum
        List<Long> terms = new ArrayList<>();
        List<Character> additive = new ArrayList<>();
        long current = operands.get(0);
        for (int i = 0; i < ops.size(); i++) {
            long next = operands.get(i + 1);
            if (ops.get(i) == '*') {
                long product = Math.multiplyExact(current, next);
                steps.add(current + "*" + next + "=" + product);
                current = product;
            } else {
                terms.add(current);
                additive.add(ops.get(i));
                current = next;
            }
        }
        terms.add(current);
        long acc = terms.get(0);
        boolean negative = acc < 0;
        for (int i = 0; i < additive.size(); i++) {
            char op = additive.get(i);
            long term = terms.get(i + 1);
            long value = op == '+' ? Math.addExact(acc, term) : Math.subtractExact(acc, term);
            steps.add(acc + String.valueOf(op) + term + "=" + value);
            acc = value;
            negative |= value < 0;
        }
        return new Solution(steps, acc, negative);
    }
}
