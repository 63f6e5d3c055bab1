{{/* The objects' name: the release's, with the chart's unless the release already says oscope. */}}
{{- define "oscope.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "oscope.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Values.release_group | default .Release.Name }}
application: oscope
component: server
{{- end -}}

{{- define "oscope.labels" -}}
{{ include "oscope.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* The Secret holding peer-secret, service-credentials.json and admin-token. */}}
{{- define "oscope.secretName" -}}
{{- .Values.secrets.existing_secret | default (include "oscope.fullname" .) -}}
{{- end -}}

{{- define "oscope.tlsSecretName" -}}
{{- .Values.secrets.tls.oscope.existing_secret | default (printf "%s-tls" (include "oscope.fullname" .)) -}}
{{- end -}}

{{- define "oscope.serviceCredentialsEnabled" -}}
{{- if or .Values.secrets.existing_secret .Values.secrets.service_credentials.password }}true{{ end -}}
{{- end -}}

{{/*
The route file (README, "The route file") from endpoints: this cloud's services with their
backends, then each peer's with its frontend. Maps are ranged in key order, so the same values
give the same bytes.
*/}}
{{- define "oscope.routeFile" -}}
{{- if .Values.conf.routes.override -}}
{{- .Values.conf.routes.override -}}
{{- else -}}
{{- $entries := list -}}
{{- $cloud := .Values.endpoints.cloud -}}
{{- range $type, $service := $cloud.services -}}
{{- range $interface, $url := $service.urls -}}
{{- $entries = append $entries (dict "Service Type" $type "Interface" $interface "URL" $url "Region" $cloud.name "Frontend" $cloud.frontend "Backend" $service.backend) -}}
{{- end -}}
{{- end -}}
{{- range $name, $peer := .Values.endpoints.peers -}}
{{- range $type, $service := $peer.services -}}
{{- range $interface, $url := $service.urls -}}
{{- $entries = append $entries (dict "Service Type" $type "Interface" $interface "URL" $url "Region" $name "Frontend" $peer.frontend) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- dict "services" $entries | toPrettyJson -}}
{{- end -}}
{{- end -}}

{{/* The clouds file of `oscope routes generate`: frontends, this cloud's backends, peers' endpoint lists. */}}
{{- define "oscope.cloudsFile" -}}
{{- $cloud := .Values.endpoints.cloud -}}
{{- $backends := dict -}}
{{- range $type, $service := $cloud.services -}}
{{- $_ := set $backends $type $service.backend -}}
{{- end -}}
{{- $clouds := dict $cloud.name (dict "frontend" $cloud.frontend "backends" $backends) -}}
{{- range $name, $peer := .Values.endpoints.peers -}}
{{- $_ := set $clouds $name (dict "frontend" $peer.frontend "endpoints" (printf "endpoint-list-%s.json" $name)) -}}
{{- end -}}
{{- dict "clouds" $clouds | toPrettyJson -}}
{{- end -}}

{{/* A peer's catalogue as `openstack endpoint list -f json` prints it (short form), from its values. */}}
{{- define "oscope.peerEndpointList" -}}
{{- $name := index . 0 -}}
{{- $peer := index . 1 -}}
{{- $rows := list -}}
{{- range $type, $service := $peer.services -}}
{{- range $interface, $url := $service.urls -}}
{{- $rows = append $rows (dict "Service Type" $type "Interface" $interface "URL" $url "Region" $name) -}}
{{- end -}}
{{- end -}}
{{- $rows | toPrettyJson -}}
{{- end -}}

{{/* termination grace ≥ the pre-stop wait + the drain, or rendering fails saying so. */}}
{{- define "oscope.terminationGracePeriod" -}}
{{- $needed := add .Values.pod.lifecycle.pre_stop_sleep_seconds .Values.conf.proxy.grace_period_seconds -}}
{{- $timeout := .Values.pod.lifecycle.termination_grace_period.oscope.timeout -}}
{{- if lt (int $timeout) (int $needed) -}}
{{- fail (printf "pod.lifecycle.termination_grace_period.oscope.timeout (%v s) must be at least pod.lifecycle.pre_stop_sleep_seconds + conf.proxy.grace_period_seconds (%v s): the kubelet would kill requests still draining" $timeout $needed) -}}
{{- end -}}
{{- $timeout -}}
{{- end -}}

{{- define "oscope.nodeSelector" -}}
{{ .node_selector_key }}: {{ .node_selector_value | quote }}
{{- end -}}
