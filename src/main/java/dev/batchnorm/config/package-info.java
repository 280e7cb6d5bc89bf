/** Wiring: typed settings, the store choice, services, metrics, health and the OpenAPI document. */
package dev.batchnorm.config;
