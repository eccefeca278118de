package org.tarpo4j.models.hub;

import java.net.http.HttpHeaders;

/**
 * Turns a hub error response into a message a user can act on. The hub says what went wrong in the
 * {@code X-Error-Code} header ({@code RepoNotFound}, {@code GatedRepo}, {@code RevisionNotFound},
 * {@code EntryNotFound}) and {@code X-Error-Message}; a 401 without a code on a repository URL means the repository
 * is missing or private (the hub does not tell which), unless the message says the credentials are invalid.
 */
final class HubErrors {
    private HubErrors() {}

    static HubException of(int status, HttpHeaders headers, String repoId, String revision, String what, HubSettings settings) {
        String code = headers.firstValue("X-Error-Code").orElse("");
        String message = headers.firstValue("X-Error-Message").orElse("");
        String detail = " (HTTP " + status + (code.isEmpty() ? "" : " " + code) + (message.isEmpty() ? "" : ": " + message) + ")";
        String repoUrl = settings.endpoint() + "/" + repoId;
        boolean tokenSent = settings.token() != null;
        if (code.equals("GatedRepo")) {
            return new HubException(HubException.Kind.GATED, repoId + " is a gated repository: accept its conditions at " + repoUrl
                    + (tokenSent ? ", then make sure HF_TOKEN is a token of that account" : " and set HF_TOKEN to an access token of that account")
                    + detail);
        }
        if (code.equals("RevisionNotFound")) {
            return new HubException(HubException.Kind.REVISION_NOT_FOUND, repoId + " has no revision '" + revision
                    + "' (a branch, tag or commit sha; see " + repoUrl + "/tree/main)" + detail);
        }
        if (status == 401 && message.toLowerCase(java.util.Locale.ROOT).contains("invalid")) {
            return new HubException(HubException.Kind.BAD_TOKEN, settings.endpoint() + " rejected the access token"
                    + " (HF_TOKEN or the token file of `huggingface-cli login`): create a new one at "
                    + settings.endpoint() + "/settings/tokens" + detail);
        }
        if (code.equals("RepoNotFound") || status == 401 || (status == 404 && !code.equals("EntryNotFound"))) {
            return new HubException(HubException.Kind.REPO_NOT_FOUND, "no model repository '" + repoId + "' on " + settings.endpoint()
                    + (tokenSent ? " that this token can read (check the name and that the token has access)"
                    : "; if it is private, set HF_TOKEN") + detail);
        }
        if (status == 403) {
            return new HubException(HubException.Kind.GATED, "access to " + repoId + " was refused; if it is gated, accept its"
                    + " conditions at " + repoUrl + (tokenSent ? "" : " and set HF_TOKEN") + detail);
        }
        return new HubException(HubException.Kind.PROTOCOL, settings.endpoint() + " could not serve " + what + " of " + repoId
                + "@" + revision + detail);
    }
}
