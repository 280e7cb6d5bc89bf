package dev.batchnorm;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Sonnet v1 BatchNorm served over HTTP. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class BatchNormApplication {

    public static void main(String[] args) {
        SpringApplication.run(BatchNormApplication.class, args);
    }
}
