package dev.batchnorm.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Random API keys for tests and the hashes the service is configured with. */
final class Keys {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Keys() {}

    /** 32 random bytes, base64url: what an operator would generate. */
    static String newKey() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** What {@code printf %s "$KEY" | sha256sum} prints. */
    static String hash(String key) {
        return HexFormat.of().formatHex(ApiKeys.sha256(key));
    }

    static String entry(String tenant, String key) {
        return tenant + ":" + hash(key);
    }

    /** A fresh key file with these lines. */
    static Path file(String... lines) {
        try {
            Path f = Files.createTempFile("batchnorm-keys-", ".txt");
            f.toFile().deleteOnExit();
            write(f, lines);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces the file's content at once, as a Secret's update does (write aside, then move). */
    static void write(Path f, String... lines) {
        try {
            Path tmp = Files.createTempFile(f.getParent(), "keys-", ".tmp");
            Files.writeString(tmp, "# tenant:sha256-of-key\n" + String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
