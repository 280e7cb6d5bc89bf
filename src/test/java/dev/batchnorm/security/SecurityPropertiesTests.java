package dev.batchnorm.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** The settings bind from the environment variables the README and the Helm chart use. */
class SecurityPropertiesTests {

    static SecurityProperties bind(org.springframework.core.env.PropertySource<?> source) {
        StandardEnvironment env = new StandardEnvironment();
        if (source instanceof SystemEnvironmentPropertySource) {
            env.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, source);
        } else {
            env.getPropertySources().addFirst(source);
        }
        return new Binder(ConfigurationPropertySources.get(env)).bindOrCreate("batchnorm.security", SecurityProperties.class);
    }

    @Test
    void environmentVariables_ShouldConfigureKeysFileAndQuotas() {
        String a = Keys.entry("team-a", Keys.newKey());
        String b = Keys.entry("team-b", Keys.newKey());
        SecurityProperties p = bind(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(
                "BATCHNORM_SECURITY_MODE", "api-key",
                "BATCHNORM_SECURITY_KEYS", a + "," + b,
                "BATCHNORM_SECURITY_KEYSFILE", "/etc/batchnorm/keys/keys",
                "BATCHNORM_SECURITY_KEYSRELOADINTERVAL", "10s",
                "BATCHNORM_SECURITY_QUOTA_REQUESTSPERSECOND", "50",
                "BATCHNORM_SECURITY_QUOTA_MAXSESSIONS", "1000",
                "BATCHNORM_SECURITY_RESTRICT_METRICS", "false")));
        assertThat(p.mode()).isEqualTo(SecurityProperties.Mode.API_KEY);
        assertThat(p.keys()).containsExactly(a, b);
        assertThat(p.keysFile()).isEqualTo(Path.of("/etc/batchnorm/keys/keys"));
        assertThat(p.keysReloadInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(p.quota().requestsPerSecond()).isEqualTo(50.0);
        assertThat(p.quota().maxSessions()).isEqualTo(1000L);
        assertThat(p.quota().burst()).isNull();
        assertThat(p.restrict().metrics()).isFalse();
        assertThat(p.restrict().apiDocs()).isFalse();
    }

    @Test
    void properties_ShouldGiveTenantsTheirOwnQuotasOverTheDefaults() {
        SecurityProperties p = bind(new MapPropertySource("props", Map.of(
                "batchnorm.security.quota.requests-per-second", "100",
                "batchnorm.security.quota.max-sessions", "10",
                "batchnorm.security.tenants.team-a.max-sessions", "500",
                "batchnorm.security.tenants.team-a.burst", "7")));
        assertThat(p.mode()).isEqualTo(SecurityProperties.Mode.NONE);
        Tenants tenants = new Tenants(p);
        Tenant a = tenants.named("team-a");
        assertThat(a.scope().namespace()).isEqualTo("team-a");
        assertThat(a.scope().maxSessions()).isEqualTo(500);
        assertThat(a.requestsPerSecond()).isEqualTo(100);
        assertThat(a.burst()).isEqualTo(7);
        Tenant b = tenants.named("team-b");
        assertThat(b.scope().maxSessions()).isEqualTo(10);
        assertThat(b.burst()).as("one second's worth").isEqualTo(100);
        assertThat(b.scope().maxPendingOpsPerSession()).isEqualTo(Long.MAX_VALUE);
        assertThat(tenants.unscoped().scope().unscoped()).isTrue();
        assertThat(tenants.unscoped().scope().maxSessions()).as("mode none's one tenant gets the default quota").isEqualTo(10);
    }
}
