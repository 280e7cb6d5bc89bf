package dev.batchnorm.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Key entries, their parsing and the reloading of the key file. */
class ApiKeysTests {

    static final String A = Keys.newKey();
    static final String B = Keys.newKey();

    @Test
    void tenantOf_ShouldFindTheTenantOfAListedKeyOnly() {
        ApiKeys keys = new ApiKeys(List.of(Keys.entry("team-a", A), "team-b:" + Keys.hash(B).toUpperCase()), null);
        assertThat(keys.tenantOf(A)).contains("team-a");
        assertThat(keys.tenantOf(B)).as("hex digits in either case").contains("team-b");
        assertThat(keys.tenantOf(A + "x")).isEmpty();
        assertThat(keys.tenantOf("")).isEmpty();
        assertThat(keys.tenantOf(Keys.hash(A))).as("the hash is not the key").isEmpty();
    }

    @Test
    void hash_ShouldBeWhatSha256sumPrints() {
        // printf %s "abc" | sha256sum
        assertThat(Keys.hash("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void parse_ShouldTakeCommasSpacesLinesAndComments() {
        String text = "# keys\n" + Keys.entry("a", A) + ", " + Keys.entry("b", B) + "   # the b team\n\n  \r\n";
        assertThat(ApiKeys.parse(text, "test")).extracting(ApiKeys.Entry::tenant).containsExactly("a", "b");
    }

    @Test
    void parse_MalformedEntry_ShouldNameTheLineButNeverTheText() {
        // the classic mistake: the key itself where its hash belongs
        for (String bad : List.of("team-a:" + A, A, "Team-A:" + Keys.hash(A), "team~a:" + Keys.hash(A), ":" + Keys.hash(A),
                "team-a:" + Keys.hash(A).substring(1), "team-a " + Keys.hash(A))) {
            assertThatThrownBy(() -> ApiKeys.parse("# first\n" + bad, "source")).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("source, line 2")
                    .hasMessageContaining("sha256sum")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(A, Keys.hash(A).substring(1, 20)));
        }
    }

    @Test
    void constructor_SameHashTwice_ShouldBeRefused() {
        assertThatThrownBy(() -> new ApiKeys(List.of(Keys.entry("a", A), Keys.entry("b", A)), null))
                .hasMessageContaining("listed twice");
    }

    @Test
    void reload_ShouldTakeANewFileAndKeepTheKeysWhenItIsBroken() throws Exception {
        Path file = Keys.file(Keys.entry("a", A));
        ApiKeys keys = new ApiKeys(List.of(Keys.entry("b", B)), file);
        assertThat(keys.tenantOf(A)).contains("a");

        Keys.write(file, Keys.entry("a", B + "-not-listed-before"));
        assertThat(keys.reload()).isNull();
        assertThat(keys.tenantOf(A)).as("revoked").isEmpty();
        assertThat(keys.tenantOf(B)).as("from the property").contains("b");

        Keys.write(file, Keys.entry("a", A), "garbage");
        assertThat(keys.reload()).contains("line 3");
        assertThat(keys.tenantOf(A)).as("the broken file was not taken").isEmpty();

        Files.delete(file);
        assertThat(keys.reload()).contains("cannot be read");
        assertThat(keys.tenantOf(B)).contains("b");
    }

    @Test
    void constructor_UnreadableFile_ShouldFailAtStartup() {
        assertThatThrownBy(() -> new ApiKeys(List.of(), Path.of("/nonexistent/keys"))).hasMessageContaining("cannot be read");
    }

    @Test
    void apiKeyMode_WithoutAnyKey_ShouldRefuseToStart() {
        SecurityProperties props = new SecurityProperties(SecurityProperties.Mode.API_KEY, List.of(), null,
                java.time.Duration.ofSeconds(30), new SecurityProperties.Quota(null, null, null, null, null), java.util.Map.of(),
                new SecurityProperties.Restrict(true, false, false));
        assertThatThrownBy(() -> new SecurityConfiguration().apiKeys(props)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs at least one key");
    }
}
