package dev.batchnorm.session;

/** The result of assigning a variable: its value as stored (laid out in the statistics' shape when fixed). */
public record AssignReceipt(StatValue value, long version) {}
