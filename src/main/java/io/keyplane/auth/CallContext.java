package io.keyplane.auth;

import jakarta.enterprise.context.RequestScoped;

/** Per-request facts filled in by {@link AuthenticationFilter}: the caller and what the audit log records. */
@RequestScoped
public class CallContext {

    private Caller caller;
    private String requestId;
    private String sourceIp;
    private String userAgent;
    private String method;
    private String path;
    private String workspaceHeader;
    private String rejection;

    void fill(Caller caller, String requestId, String sourceIp, String userAgent, String method, String path,
            String workspaceHeader) {
        this.caller = caller;
        this.requestId = requestId;
        this.sourceIp = sourceIp;
        this.userAgent = userAgent;
        this.method = method;
        this.path = path;
        this.workspaceHeader = workspaceHeader;
    }

    /** The key was identified but refused (401): its code, for the usage history. */
    void reject(String code) {
        this.rejection = code;
    }

    public String rejection() {
        return rejection;
    }

    public Caller caller() {
        return caller;
    }

    public String requestId() {
        return requestId;
    }

    public String sourceIp() {
        return sourceIp;
    }

    public String userAgent() {
        return userAgent;
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    public String workspaceHeader() {
        return workspaceHeader;
    }
}
