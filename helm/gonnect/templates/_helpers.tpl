{{/* gonnect.name is the chart name, or nameOverride. */}}
{{- define "gonnect.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* gonnect.fullname is the release-qualified name every object shares. */}}
{{- define "gonnect.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "gonnect.selectorLabels" -}}
app.kubernetes.io/name: {{ include "gonnect.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "gonnect.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "gonnect.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: gonnect
{{- end -}}

{{- define "gonnect.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "gonnect.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "gonnect.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* gonnect.saslEnabled is "true" when security.protocol uses SASL. */}}
{{- define "gonnect.saslEnabled" -}}
{{- if hasPrefix "SASL_" .Values.kafka.securityProtocol -}}true{{- end -}}
{{- end -}}

{{/* gonnect.tlsEnabled is "true" when security.protocol uses TLS. */}}
{{- define "gonnect.tlsEnabled" -}}
{{- if has .Values.kafka.securityProtocol (list "SSL" "SASL_SSL") -}}true{{- end -}}
{{- end -}}

{{/* gonnect.saslLoginModule is the JAAS login module for the SASL mechanism. */}}
{{- define "gonnect.saslLoginModule" -}}
{{- if eq .Values.kafka.sasl.mechanism "PLAIN" -}}
org.apache.kafka.common.security.plain.PlainLoginModule
{{- else -}}
org.apache.kafka.common.security.scram.ScramLoginModule
{{- end -}}
{{- end -}}

{{/*
gonnect.gracePeriod is terminationGracePeriodSeconds: the task shutdown timeout plus the
final offset flush timeout, plus headroom for leaving the group and closing the stores.
An explicit value shorter than the first two together is refused.
*/}}
{{- define "gonnect.gracePeriod" -}}
{{- $min := div (add .Values.worker.taskShutdownGracefulTimeoutMs .Values.worker.offsetFlushTimeoutMs) 1000 | int -}}
{{- if .Values.terminationGracePeriodSeconds -}}
{{- if le (int .Values.terminationGracePeriodSeconds) $min -}}
{{- fail (printf "terminationGracePeriodSeconds (%d) must be longer than worker.taskShutdownGracefulTimeoutMs + worker.offsetFlushTimeoutMs (%d s)" (int .Values.terminationGracePeriodSeconds) $min) -}}
{{- end -}}
{{- .Values.terminationGracePeriodSeconds -}}
{{- else -}}
{{- add $min 20 -}}
{{- end -}}
{{- end -}}

{{/* Mount paths shared by the Deployment and worker.properties. */}}
{{- define "gonnect.configDir" -}}/etc/gonnect{{- end -}}
{{- define "gonnect.connectorsDir" -}}/etc/gonnect/connectors{{- end -}}
{{- define "gonnect.kafkaTLSDir" -}}/etc/gonnect/kafka-tls{{- end -}}
{{- define "gonnect.restUsersDir" -}}/etc/gonnect/rest-users{{- end -}}
