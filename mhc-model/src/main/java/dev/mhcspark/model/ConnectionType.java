package dev.mhcspark.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/** How every attention and FFN sublayer is wired into the residual stream (MHC.md §1). */
public enum ConnectionType {
    /** Pre-norm residual: {@code x' = x + F(norm(x))}, one stream. */
    RESIDUAL,
    /** Dynamic Hyper-Connections (HC): n streams mixed by unconstrained, tanh-gated matrices. */
    HC,
    /** Manifold-constrained HC: {@code H_res} projected onto the doubly stochastic matrices by Sinkhorn-Knopp. */
    MHC;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static ConnectionType parse(String id) {
        for (ConnectionType t : values()) {
            if (t.id().equalsIgnoreCase(id.trim())) {
                return t;
            }
        }
        throw new IllegalArgumentException("connection: unknown value '" + id + "', expected one of "
                + Arrays.stream(values()).map(ConnectionType::id).toList());
    }

    @Override
    public String toString() {
        return id();
    }
}
