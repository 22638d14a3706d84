{{/*
Names, labels and the wiring shared by every template.
*/}}

{{/* <release>-<name>, at most 63 characters: the name of a service's Deployment, Service, ... */}}
{{- define "strata.fullname" -}}
{{- $ctx := index . 0 -}}{{- $name := index . 1 -}}
{{- printf "%s-%s" $ctx.Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "strata.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels every object carries. */}}
{{- define "strata.labels" -}}
helm.sh/chart: {{ include "strata.chart" . }}
app.kubernetes.io/name: strata
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: strata
{{- end -}}

{{/* The release's pods: what the default-deny NetworkPolicy selects. */}}
{{- define "strata.releaseSelector" -}}
app.kubernetes.io/name: strata
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Selector of one component (a service, an infrastructure server, the test pod). */}}
{{- define "strata.selectorLabels" -}}
{{- $ctx := index . 0 -}}{{- $component := index . 1 -}}
{{ include "strata.releaseSelector" $ctx }}
app.kubernetes.io/component: {{ $component }}
{{- end -}}

{{/* Labels of a component's objects and pods; tier is "service", "infrastructure" or "test". */}}
{{- define "strata.componentLabels" -}}
{{- $ctx := index . 0 -}}{{- $component := index . 1 -}}{{- $tier := index . 2 -}}
{{ include "strata.labels" $ctx }}
app.kubernetes.io/component: {{ $component }}
strata.dev/tier: {{ $tier }}
{{- end -}}

{{- define "strata.serviceAccountName" -}}
{{- if .Values.serviceAccount.name -}}
{{- .Values.serviceAccount.name -}}
{{- else if .Values.serviceAccount.create -}}
{{- if contains "strata" .Release.Name -}}{{- .Release.Name | trunc 63 | trimSuffix "-" -}}{{- else -}}{{- include "strata.fullname" (list . "strata") -}}{{- end -}}
{{- else -}}
default
{{- end -}}
{{- end -}}

{{/* registry/repository:tag; the registry may be empty. */}}
{{- define "strata.image" -}}
{{- $registry := index . 0 -}}{{- $repository := index . 1 -}}{{- $tag := index . 2 -}}
{{- if $registry -}}
{{- printf "%s/%s:%s" $registry $repository (toString $tag) -}}
{{- else -}}
{{- printf "%s:%s" $repository (toString $tag) -}}
{{- end -}}
{{- end -}}

{{/*
Deep merge of two maps, returned as YAML: maps are merged key by key, everything else in `over` replaces `base`.
Unlike sprig's merge/mergeOverwrite it keeps an explicit `false` or `0` of `over`.
*/}}
{{- define "strata.merge" -}}
{{- $base := index . 0 | default dict -}}{{- $over := index . 1 | default dict -}}
{{- $out := deepCopy $base -}}
{{- range $key, $value := $over -}}
{{- $current := index $out $key -}}
{{- if and (kindIs "map" $value) (kindIs "map" $current) -}}
{{- $_ := set $out $key (include "strata.merge" (list $current $value) | fromYaml) -}}
{{- else -}}
{{- $_ := set $out $key $value -}}
{{- end -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/*
What each service needs from the platform. Chart internals, not values: a user cannot unplug registry from S3.
  warehouse: the warehouse datasource; s3: the lake; redis: Redis; bearer: checks tokens with libs/security.
*/}}
{{- define "strata.traits" -}}
gateway: {redis: true}
auth: {}
registry: {warehouse: true, s3: true, bearer: true}
ingest: {warehouse: true, s3: true, bearer: true}
transform: {warehouse: true, s3: true, bearer: true}
scheduler: {warehouse: true, bearer: true}
notifier: {bearer: true}
{{- end -}}

{{/* One service's settings: serviceDefaults merged with services.<name>, as YAML. Args: (list ctx name). */}}
{{- define "strata.serviceConfig" -}}
{{- $ctx := index . 0 -}}{{- $name := index . 1 -}}
{{- include "strata.merge" (list $ctx.Values.serviceDefaults (index $ctx.Values.services $name)) -}}
{{- end -}}

{{/* "true" when the service runs (and so has a URL). Args: (list ctx name). */}}
{{- define "strata.serviceEnabled" -}}
{{- $ctx := index . 0 -}}{{- $name := index . 1 -}}
{{- $svc := index $ctx.Values.services $name | default dict -}}
{{- if hasKey $svc "enabled" -}}{{- $svc.enabled -}}{{- else -}}true{{- end -}}
{{- end -}}

{{/* In-cluster URL of a service. Args: (list ctx name). */}}
{{- define "strata.serviceUrl" -}}
{{- printf "http://%s:8080" (include "strata.fullname" .) -}}
{{- end -}}

{{/* "true" when a service is scaled by KEDA (then no HPA and no replicas in its Deployment). */}}
{{- define "strata.kedaEnabled" -}}
{{- $svc := . -}}
{{- if and $svc.keda $svc.keda.enabled -}}true{{- else -}}false{{- end -}}
{{- end -}}

{{/* "true" when the Deployment's replica count is owned by an autoscaler (HPA or KEDA). */}}
{{- define "strata.autoscaled" -}}
{{- $svc := . -}}
{{- if or (eq (include "strata.kedaEnabled" $svc) "true") $svc.autoscaling.enabled -}}true{{- else -}}false{{- end -}}
{{- end -}}

{{/* The public base URL of the gateway, when an ingress publishes it (empty otherwise). */}}
{{- define "strata.publicUrl" -}}
{{- if and .Values.ingress.enabled .Values.ingress.hosts -}}
{{- $host := (first .Values.ingress.hosts).host -}}
{{- $tls := false -}}
{{- range .Values.ingress.tls -}}{{- if has $host .hosts -}}{{- $tls = true -}}{{- end -}}{{- end -}}
{{- printf "%s://%s" (ternary "https" "http" $tls) $host -}}
{{- end -}}
{{- end -}}

{{/* The issuer every service trusts (auth.issuer, else the public URL, else the auth service in the cluster). */}}
{{- define "strata.issuer" -}}
{{- if .Values.auth.issuer -}}
{{- .Values.auth.issuer | trimSuffix "/" -}}
{{- else if include "strata.publicUrl" . -}}
{{- include "strata.publicUrl" . -}}
{{- else -}}
{{- include "strata.serviceUrl" (list . "auth") -}}
{{- end -}}
{{- end -}}

{{/*
A Secret value, base64 encoded: the explicit value when given, else the one already stored in the release's
generated Secret (lookup: kept across upgrades), else a new random one.
Args: dict ctx, secret (name), key, value (explicit, may be empty), bytes (random bytes, base64) or length (alnum).
`helm template` and `--dry-run` cannot look up: they show a fresh random value each time.
*/}}
{{- define "strata.secretValue" -}}
{{- if .value -}}
{{- .value | toString | b64enc -}}
{{- else -}}
{{- $existing := lookup "v1" "Secret" .ctx.Release.Namespace .secret -}}
{{- if and $existing $existing.data (index $existing.data .key) -}}
{{- index $existing.data .key -}}
{{- else if .bytes -}}
{{- randBytes (int .bytes) | b64enc -}}
{{- else -}}
{{- randAlphaNum (int (.length | default 32)) | b64enc -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Names of the Secrets that hold each credential: yours (existingSecret) or the generated one. */}}
{{- define "strata.auth.secretName" -}}
{{- .Values.auth.existingSecret | default (include "strata.fullname" (list . "auth-credentials")) -}}
{{- end -}}
{{- define "strata.gateway.secretName" -}}
{{- .Values.gateway.existingSecret | default (include "strata.fullname" (list . "gateway-credentials")) -}}
{{- end -}}
{{- define "strata.postgresql.secretName" -}}
{{- .Values.postgresql.auth.existingSecret | default (include "strata.fullname" (list . "postgresql-credentials")) -}}
{{- end -}}
{{- define "strata.redis.secretName" -}}
{{- .Values.redis.auth.existingSecret | default (include "strata.fullname" (list . "redis-credentials")) -}}
{{- end -}}
{{- define "strata.s3.secretName" -}}
{{- .Values.s3.auth.existingSecret | default (include "strata.fullname" (list . "s3-credentials")) -}}
{{- end -}}

{{/* "true" when the gateway gets a Redis password (self-contained Redis, or an external one with a password). */}}
{{- define "strata.redis.hasPassword" -}}
{{- if or .Values.redis.enabled .Values.redis.auth.existingSecret .Values.redis.auth.password -}}true{{- else -}}false{{- end -}}
{{- end -}}

{{/* Endpoints of the infrastructure, self-contained or external. */}}
{{- define "strata.postgresql.host" -}}
{{- if .Values.postgresql.enabled -}}{{- include "strata.fullname" (list . "postgresql") -}}{{- else -}}{{- .Values.postgresql.external.host -}}{{- end -}}
{{- end -}}

{{- define "strata.jdbcUrl" -}}
{{- $ctx := index . 0 -}}{{- $host := index . 1 -}}{{- $port := index . 2 -}}{{- $db := index . 3 -}}
{{- $params := $ctx.Values.postgresql.external.jdbcParameters -}}
{{- if $ctx.Values.postgresql.enabled -}}{{- $params = "" -}}{{- end -}}
{{- printf "jdbc:postgresql://%s:%v/%s%s" $host (int $port) $db (ternary (printf "?%s" $params) "" (ne $params "")) -}}
{{- end -}}

{{- define "strata.postgresql.metadataJdbcUrl" -}}
{{- $port := ternary 5432 .Values.postgresql.external.port .Values.postgresql.enabled -}}
{{- include "strata.jdbcUrl" (list . (include "strata.postgresql.host" .) $port .Values.postgresql.metadata.database) -}}
{{- end -}}

{{- define "strata.postgresql.warehouseJdbcUrl" -}}
{{- $host := include "strata.postgresql.host" . -}}
{{- $port := ternary 5432 .Values.postgresql.external.port .Values.postgresql.enabled -}}
{{- if and (not .Values.postgresql.enabled) .Values.postgresql.external.warehouseHost -}}
{{- $host = .Values.postgresql.external.warehouseHost -}}
{{- $port = .Values.postgresql.external.warehousePort -}}
{{- end -}}
{{- include "strata.jdbcUrl" (list . $host $port .Values.postgresql.warehouse.database) -}}
{{- end -}}

{{- define "strata.kafka.bootstrapServers" -}}
{{- if .Values.kafka.enabled -}}
{{- printf "%s.%s.svc.%s:9092" (include "strata.fullname" (list . "kafka")) .Release.Namespace .Values.global.clusterDomain -}}
{{- else -}}
{{- .Values.kafka.external.bootstrapServers -}}
{{- end -}}
{{- end -}}

{{- define "strata.s3.endpoint" -}}
{{- if .Values.s3.enabled -}}
{{- printf "http://%s:9000" (include "strata.fullname" (list . "minio")) -}}
{{- else -}}
{{- .Values.s3.external.endpoint -}}
{{- end -}}
{{- end -}}

{{- define "strata.redis.url" -}}
{{- if .Values.redis.enabled -}}
{{- printf "redis://%s:6379" (include "strata.fullname" (list . "redis")) -}}
{{- else -}}
{{- .Values.redis.external.url -}}
{{- end -}}
{{- end -}}

{{/* "true" when ServiceMonitor/PrometheusRule objects are rendered. */}}
{{- define "strata.monitoring.enabled" -}}
{{- $mode := toString .Values.monitoring.enabled -}}
{{- if eq $mode "auto" -}}
{{- .Capabilities.APIVersions.Has "monitoring.coreos.com/v1" -}}
{{- else -}}
{{- $mode -}}
{{- end -}}
{{- end -}}

{{/* A secretKeyRef env entry. Args: (list envName secretName key). */}}
{{- define "strata.secretEnv" -}}
{{- $env := index . 0 -}}{{- $secret := index . 1 -}}{{- $key := index . 2 -}}
- name: {{ $env }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $key }}
{{- end -}}

{{/* Container-level security context of the infrastructure and test pods (same rules as the services). */}}
{{- define "strata.containerSecurityContext" -}}
runAsNonRoot: true
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}
