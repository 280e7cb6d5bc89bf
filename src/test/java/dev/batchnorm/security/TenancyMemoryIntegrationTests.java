package dev.batchnorm.security;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Tenancy with the in-memory store. */
class TenancyMemoryIntegrationTests extends TenancyIntegrationTests {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        keys(registry);
    }
}
