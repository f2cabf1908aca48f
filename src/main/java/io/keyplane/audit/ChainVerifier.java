package io.keyplane.audit;

import java.util.Objects;

import io.keyplane.audit.AuditDtos.AuditVerification;

/**
 * Walks one workspace's events in seq order and finds the first place the chain breaks: a missing or
 * misplaced seq, a {@code prev_hash} that is not the previous event's hash, or a {@code hash} that is not the
 * event's own. Keeps only the previous link, so memory does not grow with the log.
 */
final class ChainVerifier {

    private final AuditHasher hasher;
    private final long fromSeq;
    private long events;
    private long lastSeq;
    private String lastHash = "";
    private Long firstBadSeq;
    private String reason;

    ChainVerifier(AuditHasher hasher) {
        this(hasher, 0, "");
    }

    /** Continues after a checkpoint: events up to {@code seq} were verified before, the last one had {@code hash}. */
    ChainVerifier(AuditHasher hasher, long seq, String hash) {
        this.hasher = hasher;
        this.fromSeq = seq + 1;
        this.events = seq;
        this.lastSeq = seq;
        this.lastHash = hash;
    }

    void accept(AuditEvent e) {
        events++;
        if (firstBadSeq == null) {
            check(e);
        }
        lastSeq = e.seq;
        lastHash = e.hash;
    }

    /** The verdict, once every event is read; the workspace row's head must be the last event (a cut tail is not). */
    AuditVerification finish(long headSeq, String headHash) {
        if (firstBadSeq == null) {
            if (lastSeq < headSeq) {
                fail(lastSeq + 1, "events " + (lastSeq + 1) + " to " + headSeq + " are missing: the workspace head is "
                        + "at seq " + headSeq);
            } else if (lastSeq > headSeq) {
                fail(headSeq + 1, "seq " + (headSeq + 1) + " and later are beyond the workspace head (seq " + headSeq
                        + ")");
            } else if (!Objects.equals(lastHash, headHash)) {
                fail(Math.max(lastSeq, 1), "the workspace head's hash is not the hash of seq " + lastSeq);
            }
        }
        return firstBadSeq == null ? AuditVerification.valid(events, lastHash, fromSeq, headSeq)
                : AuditVerification.broken(events, firstBadSeq, reason, fromSeq, headSeq);
    }

    private void check(AuditEvent e) {
        long expected = lastSeq + 1;
        if (e.seq > expected) {
            fail(expected, "seq " + expected + " is missing");
        } else if (e.seq < expected) {
            fail(e.seq, "seq " + e.seq + " is out of place after seq " + lastSeq);
        } else if (!Objects.equals(e.prevHash, lastHash)) {
            fail(e.seq, e.seq == 1 ? "prev_hash of the first event must be empty"
                    : "prev_hash is not the hash of seq " + lastSeq);
        } else if (e.keyVersion == 0) {
            fail(e.seq, "an unkeyed event (key version 0): anyone can compute its hash, so none is accepted");
        } else if (!hasher.knows(e.keyVersion)) {
            fail(e.seq, "audit key version " + e.keyVersion + " is not configured (KEYPLANE_AUDIT_KEY_PREVIOUS)");
        } else if (!Objects.equals(hasher.hash(e), e.hash)) {
            fail(e.seq, "hash does not match the event's content");
        }
    }

    private void fail(long seq, String why) {
        firstBadSeq = seq;
        reason = why;
    }
}
