{{/*
The environment of one service, from the config keys in its README (every key maps to an environment variable,
strata.s3.endpoint → STRATA_S3_ENDPOINT). Credentials only ever come from Secrets (secretKeyRef).
Args: (list ctx name svc). Output: a YAML list; the Deployment merges user env over it by name.
*/}}
{{- define "strata.service.baseEnv" -}}
{{- $ctx := index . 0 -}}{{- $name := index . 1 -}}
{{- $traits := index (include "strata.traits" $ctx | fromYaml) $name | default dict -}}
{{- $v := $ctx.Values -}}
- name: QUARKUS_HTTP_HOST
  value: "0.0.0.0"
- name: QUARKUS_HTTP_PORT
  value: "8080"
- name: QUARKUS_LOG_CONSOLE_JSON_ENABLED
  value: "true"
{{- with $v.monitoring.tracing.otlpEndpoint }}
- name: QUARKUS_OTEL_SDK_DISABLED
  value: "false"
- name: QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ . | quote }}
{{- end }}
- name: QUARKUS_DATASOURCE_JDBC_URL
  value: {{ include "strata.postgresql.metadataJdbcUrl" $ctx | quote }}
- name: QUARKUS_DATASOURCE_USERNAME
  value: {{ $v.postgresql.metadata.username | quote }}
{{ include "strata.secretEnv" (list "QUARKUS_DATASOURCE_PASSWORD" (include "strata.postgresql.secretName" $ctx) $v.postgresql.auth.metadataPasswordKey) }}
- name: KAFKA_BOOTSTRAP_SERVERS
  value: {{ include "strata.kafka.bootstrapServers" $ctx | quote }}
- name: STRATA_KAFKA_TOPICS_CREATE
  value: {{ $v.kafka.topics.create | quote }}
{{- with $v.kafka.topics.partitions }}
- name: STRATA_KAFKA_TOPICS_PARTITIONS
  value: {{ . | quote }}
{{- end }}
{{- with $v.kafka.topics.replicationFactor }}
- name: STRATA_KAFKA_TOPICS_REPLICATION_FACTOR
  value: {{ . | quote }}
{{- end }}
- name: STRATA_AUTH_ISSUER
  value: {{ include "strata.issuer" $ctx | quote }}
{{- range $other := list "gateway" "auth" "registry" "ingest" "transform" "scheduler" "notifier" }}
{{- if eq (include "strata.serviceEnabled" (list $ctx $other)) "true" }}
- name: STRATA_SERVICES_{{ upper $other }}_URL
  value: {{ include "strata.serviceUrl" (list $ctx $other) | quote }}
{{- end }}
{{- end }}
{{- if $traits.warehouse }}
- name: STRATA_WAREHOUSE_JDBC_URL
  value: {{ include "strata.postgresql.warehouseJdbcUrl" $ctx | quote }}
- name: STRATA_WAREHOUSE_USERNAME
  value: {{ $v.postgresql.warehouse.username | quote }}
{{ include "strata.secretEnv" (list "STRATA_WAREHOUSE_PASSWORD" (include "strata.postgresql.secretName" $ctx) $v.postgresql.auth.warehousePasswordKey) }}
{{ include "strata.secretEnv" (list "STRATA_WAREHOUSE_ROLE_KEY" (include "strata.postgresql.secretName" $ctx) $v.postgresql.auth.warehouseRoleKeyKey) }}
{{- end }}
{{- if $traits.s3 }}
- name: STRATA_S3_ENDPOINT
  value: {{ include "strata.s3.endpoint" $ctx | quote }}
- name: STRATA_S3_REGION
  value: {{ $v.s3.region | quote }}
- name: STRATA_S3_CREATE_BUCKETS
  value: {{ $v.s3.createBuckets | toString | quote }}
{{ include "strata.secretEnv" (list "STRATA_S3_ACCESS_KEY" (include "strata.s3.secretName" $ctx) $v.s3.auth.accessKeyKey) }}
{{ include "strata.secretEnv" (list "STRATA_S3_SECRET_KEY" (include "strata.s3.secretName" $ctx) $v.s3.auth.secretKeyKey) }}
{{- end }}
{{- if $traits.redis }}
- name: QUARKUS_REDIS_HOSTS
  value: {{ include "strata.redis.url" $ctx | quote }}
{{- if eq (include "strata.redis.hasPassword" $ctx) "true" }}
{{ include "strata.secretEnv" (list "QUARKUS_REDIS_PASSWORD" (include "strata.redis.secretName" $ctx) $v.redis.auth.passwordKey) }}
{{- end }}
{{- end }}
{{- if eq $name "gateway" }}
- name: STRATA_GATEWAY_TRUST_FORWARDED
  value: {{ $v.gateway.trustForwarded | toString | quote }}
- name: STRATA_GATEWAY_SECURE_COOKIES
  value: {{ $v.gateway.secureCookies | toString | quote }}
{{ include "strata.secretEnv" (list "QUARKUS_OIDC_AUTHENTICATION_STATE_SECRET" (include "strata.gateway.secretName" $ctx) $v.gateway.stateSecretKey) }}
{{- end }}
{{- if eq $name "auth" }}
{{ include "strata.secretEnv" (list "STRATA_AUTH_BOOTSTRAP_ADMIN_USERNAME" (include "strata.auth.secretName" $ctx) $v.auth.secretKeys.adminUsername) }}
{{ include "strata.secretEnv" (list "STRATA_AUTH_BOOTSTRAP_ADMIN_PASSWORD" (include "strata.auth.secretName" $ctx) $v.auth.secretKeys.adminPassword) }}
{{ include "strata.secretEnv" (list "STRATA_AUTH_KEY_ENCRYPTION_KEY" (include "strata.auth.secretName" $ctx) $v.auth.secretKeys.keyEncryptionKey) }}
{{- /* transform's service account (name=secret). Kubernetes expands $(VAR) only from variables listed before it, and
the list is sorted by name: STRATA_AUTH_BOOTSTRAP_SA_... comes before STRATA_AUTH_BOOTSTRAP_SERVICE_ACCOUNTS. */}}
{{ include "strata.secretEnv" (list "STRATA_AUTH_BOOTSTRAP_SA_INGEST_SECRET" (include "strata.auth.secretName" $ctx) $v.auth.secretKeys.ingestAccountSecret) }}
{{ include "strata.secretEnv" (list "STRATA_AUTH_BOOTSTRAP_SA_NOTIFIER_SECRET" (include "strata.auth.secretName" $ctx) $v.auth.secretKeys.notifierAccountSecret) }}
{{ include "strata.secretEnv" (list "STRATA_AUTH_BOOTSTRAP_SA_TRANSFORM_SECRET" (include "strata.auth.secretName" $ctx) $v.auth.secretKeys.transformAccountSecret) }}
- name: STRATA_AUTH_BOOTSTRAP_SERVICE_ACCOUNTS
  value: "transform=$(STRATA_AUTH_BOOTSTRAP_SA_TRANSFORM_SECRET),ingest=$(STRATA_AUTH_BOOTSTRAP_SA_INGEST_SECRET),notifier=$(STRATA_AUTH_BOOTSTRAP_SA_NOTIFIER_SECRET)"
{{ include "strata.secretEnv" (list "STRATA_SECRETS_MASTER_KEY" (include "strata.auth.secretName" $ctx) $v.auth.secretKeys.secretsMasterKey) }}
{{- $public := include "strata.publicUrl" $ctx }}
{{- if $public }}
{{- $callbacks := list }}{{- $logouts := list }}
{{- range $v.ingress.hosts }}
{{- $base := printf "%s://%s" (ternary "https" "http" (hasPrefix "https://" $public)) .host }}
{{- $callbacks = append $callbacks (printf "%s/login/callback" $base) }}
{{- $logouts = append $logouts (printf "%s/login" $base) }}
{{- end }}
- name: STRATA_AUTH_CLIENTS_GATEWAY_REDIRECT_URIS
  value: {{ join "," $callbacks | quote }}
- name: STRATA_AUTH_CLIENTS_GATEWAY_POST_LOGOUT_REDIRECT_URIS
  value: {{ join "," $logouts | quote }}
{{- end }}
{{- end }}
{{- if eq $name "ingest" }}
- name: STRATA_INGEST_SERVICE_ACCOUNT_CLIENT_ID
  value: "sa-ingest"
{{ include "strata.secretEnv" (list "STRATA_INGEST_SERVICE_ACCOUNT_CLIENT_SECRET" (include "strata.auth.secretName" $ctx) $v.auth.secretKeys.ingestAccountSecret) }}
{{- end }}
{{- if eq $name "notifier" }}
- name: STRATA_NOTIFIER_SERVICE_ACCOUNT_CLIENT_ID
  value: "sa-notifier"
{{ include "strata.secretEnv" (list "STRATA_NOTIFIER_SERVICE_ACCOUNT_CLIENT_SECRET" (include "strata.auth.secretName" $ctx) $v.auth.secretKeys.notifierAccountSecret) }}
{{- end }}
{{- if eq $name "notifier" }}
- name: STRATA_NOTIFIER_PUBLIC_BASE_URL
  value: {{ (default (include "strata.publicUrl" $ctx) $v.notifier.publicBaseUrl | default (include "strata.serviceUrl" (list $ctx "gateway"))) | trimSuffix "/" | quote }}
{{- end }}
{{- if eq $name "transform" }}
- name: STRATA_TRANSFORM_SERVICE_ACCOUNT_CLIENT_ID
  value: "sa-transform"
{{ include "strata.secretEnv" (list "STRATA_TRANSFORM_SERVICE_ACCOUNT_CLIENT_SECRET" (include "strata.auth.secretName" $ctx) $v.auth.secretKeys.transformAccountSecret) }}
{{- end }}
{{- if and $traits.bearer $v.auth.external.enabled }}
- name: STRATA_SECURITY_EXTERNAL_ENABLED
  value: "true"
- name: STRATA_SECURITY_EXTERNAL_ISSUER
  value: {{ $v.auth.external.issuer | quote }}
- name: STRATA_SECURITY_EXTERNAL_ROLE_CLAIM_PATH
  value: {{ $v.auth.external.roleClaimPath | quote }}
{{- with $v.auth.external.audience }}
- name: STRATA_SECURITY_EXTERNAL_AUDIENCE
  value: {{ . | quote }}
{{- end }}
{{- with $v.auth.external.clientId }}
- name: STRATA_SECURITY_EXTERNAL_CLIENT_ID
  value: {{ . | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
The final env list of a service: the chart's variables, then serviceDefaults/services.<name> `env` and `secretEnv`
replacing any of the same name; sorted by name so renders are stable. Args: (list ctx name svc).
*/}}
{{- define "strata.service.env" -}}
{{- $ctx := index . 0 -}}{{- $name := index . 1 -}}{{- $svc := index . 2 -}}
{{- $byName := dict -}}
{{- range (include "strata.service.baseEnv" . | fromYamlArray) -}}
{{- $_ := set $byName .name . -}}
{{- end -}}
{{- range $key, $value := $svc.env -}}
{{- $_ := set $byName $key (dict "name" $key "value" (toString $value)) -}}
{{- end -}}
{{- range $key, $ref := $svc.secretEnv -}}
{{- $_ := set $byName $key (dict "name" $key "valueFrom" (dict "secretKeyRef" (dict "name" $ref.name "key" $ref.key))) -}}
{{- end -}}
{{- $sorted := list -}}
{{- range $key := keys $byName | sortAlpha -}}
{{- $sorted = append $sorted (index $byName $key) -}}
{{- end -}}
{{- toYaml $sorted -}}
{{- end -}}
