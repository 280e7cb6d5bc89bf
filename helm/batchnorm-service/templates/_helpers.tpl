{{/* The chart name, or nameOverride. */}}
{{- define "batchnorm.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The full name of the release's objects: the release name, with the chart name unless it is already in it. */}}
{{- define "batchnorm.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Labels of every object. */}}
{{- define "batchnorm.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "batchnorm.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: batchnorm-service
{{- end }}

{{/* Selector labels of the service's pods. */}}
{{- define "batchnorm.selectorLabels" -}}
app.kubernetes.io/name: {{ include "batchnorm.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: server
{{- end }}

{{/* Selector labels of the bundled Redis pod. */}}
{{- define "batchnorm.redis.selectorLabels" -}}
app.kubernetes.io/name: {{ include "batchnorm.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: redis
{{- end }}

{{- define "batchnorm.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "batchnorm.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "batchnorm.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* True ("true") when the service uses Redis. */}}
{{- define "batchnorm.usesRedis" -}}
{{- if eq .Values.store.type "redis" }}true{{ end }}
{{- end }}

{{/* True ("true") when the release runs its own Redis. */}}
{{- define "batchnorm.redis.bundled" -}}
{{- if and (eq .Values.store.type "redis") .Values.redis.bundled.enabled }}true{{ end }}
{{- end }}

{{- define "batchnorm.redis.fullname" -}}
{{- printf "%s-redis" (include "batchnorm.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The Secret holding the Redis URL (and the bundled Redis's password). */}}
{{- define "batchnorm.redis.secretName" -}}
{{- default (include "batchnorm.redis.fullname" .) .Values.redis.existingSecret }}
{{- end }}

{{- define "batchnorm.redis.urlKey" -}}
{{- if .Values.redis.existingSecret }}{{ .Values.redis.existingSecretUrlKey }}{{ else }}redis-url{{ end }}
{{- end }}

{{- define "batchnorm.redis.passwordKey" -}}
{{- if .Values.redis.existingSecret }}{{ .Values.redis.existingSecretPasswordKey }}{{ else }}redis-password{{ end }}
{{- end }}

{{/* True ("true") when callers need an API key. */}}
{{- define "batchnorm.security.apiKey" -}}
{{- if eq .Values.security.mode "api-key" }}true{{ end }}
{{- end }}

{{/* The Secret holding the API key entries (key "keys"): existingSecret, or <fullname>-keys (the chart's own with security.keys, else one the operator creates). */}}
{{- define "batchnorm.security.secretName" -}}
{{- default (printf "%s-keys" (include "batchnorm.fullname" .) | trunc 63 | trimSuffix "-") .Values.security.existingSecret }}
{{- end }}

{{/* The ConfigMap entries of one quota (security.quota or a security.tenants entry), each under "<prefix>_<KEY>"; a value of 0 or none sets nothing. */}}
{{- define "batchnorm.quotaEnv" -}}
{{- $prefix := .prefix }}
{{- with .quota }}
{{- if .requestsPerSecond }}
  {{ $prefix }}_REQUESTSPERSECOND: {{ .requestsPerSecond | toString | quote }}
{{- end }}
{{- if .burst }}
  {{ $prefix }}_BURST: {{ .burst | int64 | toString | quote }}
{{- end }}
{{- if .maxSessions }}
  {{ $prefix }}_MAXSESSIONS: {{ .maxSessions | int64 | toString | quote }}
{{- end }}
{{- if .maxPendingOpsPerSession }}
  {{ $prefix }}_MAXPENDINGOPSPERSESSION: {{ .maxPendingOpsPerSession | int64 | toString | quote }}
{{- end }}
{{- if .maxPendingElementsPerSession }}
  {{ $prefix }}_MAXPENDINGELEMENTSPERSESSION: {{ .maxPendingElementsPerSession | int64 | toString | quote }}
{{- end }}
{{- end }}
{{- end }}

{{/* Combinations that cannot work fail the render with a message that says why. */}}
{{- define "batchnorm.validate" -}}
{{- if eq .Values.store.type "memory" }}
{{- if or .Values.autoscaling.enabled (gt (int .Values.replicaCount) 1) }}
{{- fail "store.type=memory keeps sessions inside one pod: set replicaCount=1 and autoscaling.enabled=false, or use store.type=redis" }}
{{- end }}
{{- end }}
{{- if and (eq .Values.store.type "redis") (not .Values.redis.bundled.enabled) (not .Values.redis.url) (not .Values.redis.existingSecret) }}
{{- fail "store.type=redis without the bundled Redis needs redis.url or redis.existingSecret" }}
{{- end }}
{{- if and .Values.redis.url .Values.redis.bundled.enabled }}
{{- fail "redis.url is for your own Redis: set redis.bundled.enabled=false to use it" }}
{{- end }}
{{- if and .Values.security.keys .Values.security.existingSecret }}
{{- fail "security.keys and security.existingSecret exclude each other: give the entries in one place" }}
{{- end }}
{{- if and .Values.security.keys (ne .Values.security.mode "api-key") }}
{{- fail "security.keys is for security.mode=api-key: remove the keys, or set the mode" }}
{{- end }}
{{- if and .Values.security.tenants (ne .Values.security.mode "api-key") }}
{{- fail "security.tenants is for security.mode=api-key (mode none has one tenant, whose quotas are security.quota)" }}
{{- end }}
{{- if and (include "batchnorm.security.apiKey" .) .Values.security.restrict.metrics .Values.metrics.serviceMonitor.enabled (not .Values.metrics.serviceMonitor.authorization) }}
{{- fail "security.restrict.metrics=true makes /actuator/prometheus need a key: give the ServiceMonitor one with metrics.serviceMonitor.authorization, or set security.restrict.metrics=false" }}
{{- end }}
{{- $needed := add .Values.lifecycle.preStopSleepSeconds .Values.lifecycle.shutdownTimeoutSeconds }}
{{- if le (int .Values.lifecycle.terminationGracePeriodSeconds) (int $needed) }}
{{- fail (printf "lifecycle.terminationGracePeriodSeconds (%d) must exceed preStopSleepSeconds + shutdownTimeoutSeconds (%d), or Kubernetes kills requests still in flight" (int .Values.lifecycle.terminationGracePeriodSeconds) (int $needed)) }}
{{- end }}
{{- end }}
