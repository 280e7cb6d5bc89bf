package dev.batchnorm.security;

import dev.batchnorm.store.TenantScope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accepted API keys, as SHA-256 hashes with their tenants: the entries of a property (or
 * environment variable) and of a file, which is read again periodically so that a removed key stops
 * working without a restart. Keys themselves are never stored, logged or echoed; a presented key
 * is hashed and compared with every hash in constant time.
 */
final class ApiKeys {

    /** One accepted key: its hash and the tenant it authenticates. */
    record Entry(String tenant, byte[] hash) {}

    private static final Logger log = LoggerFactory.getLogger(ApiKeys.class);
    private static final HexFormat HEX = HexFormat.of();

    private final List<Entry> fixed;
    private final Path file;
    private volatile List<Entry> all;
    private volatile String fileState = "";

    /**
     * @param entries {@code <tenant>:<sha256 hex>} entries from properties
     * @param file a file of entries, or {@code null}
     * @throws IllegalArgumentException when an entry is malformed or the file cannot be read
     */
    ApiKeys(List<String> entries, Path file) {
        this.fixed = parse(String.join("\n", entries), "batchnorm.security.keys");
        this.file = file;
        this.all = fixed;
        if (file != null) {
            String problem = reload();
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
        }
        requireUnique(all);
    }

    /** The tenant whose key this is, if any. Every hash is compared, so timing tells nothing about which. */
    Optional<String> tenantOf(String key) {
        byte[] hash = sha256(key);
        String tenant = null;
        for (Entry e : all) {
            if (MessageDigest.isEqual(e.hash(), hash) && tenant == null) {
                tenant = e.tenant();
            }
        }
        return Optional.ofNullable(tenant);
    }

    boolean isEmpty() {
        return all.isEmpty();
    }

    /**
     * Reads the key file again. A file that cannot be read or parsed leaves the keys as they were.
     *
     * @return why the file was not taken (never its content), or {@code null}
     */
    String reload() {
        if (file == null) {
            return null;
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return warn("batchnorm.security.keys-file " + file + " cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        String state = HEX.formatHex(sha256(text));
        if (state.equals(fileState)) {
            return null;
        }
        List<Entry> merged = new ArrayList<>(fixed);
        try {
            merged.addAll(parse(text, "batchnorm.security.keys-file " + file));
            requireUnique(merged);
        } catch (IllegalArgumentException e) {
            return warn(e.getMessage());
        }
        all = List.copyOf(merged);
        fileState = state;
        log.info("API keys: {} keys of {} tenants ({} from {})", merged.size(), merged.stream().map(Entry::tenant).distinct().count(),
                merged.size() - fixed.size(), file);
        return null;
    }

    private static String warn(String problem) {
        log.warn("API keys unchanged: {}", problem);
        return problem;
    }

    /**
     * Entries separated by commas, spaces or line breaks; {@code #} starts a comment. Problems name
     * the line, never the text: a key pasted where its hash belongs must not reach a log.
     */
    static List<Entry> parse(String text, String source) {
        List<Entry> out = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            for (String token : line.trim().split("[\\s,]+")) {
                if (token.isEmpty()) {
                    continue;
                }
                int colon = token.indexOf(':');
                String tenant = colon < 0 ? "" : token.substring(0, colon);
                String hex = colon < 0 ? "" : token.substring(colon + 1);
                if (!TenantScope.NAME.matcher(tenant).matches() || !hex.matches("[0-9a-fA-F]{64}")) {
                    throw new IllegalArgumentException(source + ", line " + (i + 1)
                            + ": an entry is <tenant>:<SHA-256 of the key as 64 hex digits>, with a tenant name of 1 to 63 characters from [a-z0-9-]"
                            + " (compute the hash with: printf %s \"$KEY\" | sha256sum)");
                }
                out.add(new Entry(tenant, HEX.parseHex(hex.toLowerCase(java.util.Locale.ROOT))));
            }
        }
        return out;
    }

    private static void requireUnique(List<Entry> entries) {
        Set<String> seen = new HashSet<>();
        for (Entry e : entries) {
            if (!seen.add(HEX.formatHex(e.hash()))) {
                throw new IllegalArgumentException("batchnorm.security: the same key hash is listed twice");
            }
        }
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
    }
}
