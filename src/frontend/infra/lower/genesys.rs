//! Genesys Cloud as CX as Code writes it (Terraform provider
//! `MyPureCloud/genesyscloud`): the recording the organisation's settings
//! switch on, outside any Architect flow.
//!
//! - `genesyscloud_telephony_providers_edges_trunkbasesettings`: its
//!   `properties` (`jsonencode({"trunk_recording_enabled": {"value":
//!   {"instance": true}}, ...})`, or a block of flat values) switch on
//!   policy-based recording: on an external trunk every call on the trunk is
//!   recorded from when it connects (trunk-side); on a phone trunk
//!   (`trunk_type = "PHONE"`) the agents' phones record from when they join
//!   (station-side). `trunk_recording_consent_required` holds trunk-side
//!   recording until a flow runs *Enable Participant Recording*; Genesys
//!   documents that station-side recording of outbound and conference calls
//!   ignores it, so a station recorder never waits for consent.
//!   `trunk_recording_beep_enabled` plays a beep tone.
//!   <https://help.mypurecloud.com/articles/enable-line-recording/>,
//!   <https://help.mypurecloud.com/articles/enable-participant-recording-action/>
//! - `genesyscloud_routing_queue`: `suppress_in_queue_call_recording`
//!   (default `true`) keeps the wait in queue out of the recording;
//!   `enable_transcription` transcribes the queue's calls.
//! - `genesyscloud_recording_media_retention_policy`: `delete_retention`
//!   deletes recordings after some days (no `delete_retention`: kept
//!   indefinitely); `assign_evaluations`, `assign_metered_evaluations`,
//!   `assign_metered_assignment_by_agent` and `assign_calibrations` put the
//!   recordings to quality evaluation; `media_transcriptions` transcribes
//!   them; `integration_export` exports them to a third party's S3 bucket.
//!   A policy counts when it is enabled (Terraform sends `false` when
//!   `enabled` is not set) or enabled by an expression.
//! - `genesyscloud_speechandtextanalytics_settings`: `text_analytics_enabled`
//!   and `agent_empathy_enabled` analyse the organisation's interactions.
//!
//! [`graph`] turns the recorders that record without waiting for consent
//! into a call-flow graph, so the consent and notice rules judge them as
//! they judge a flow's recording, and each analytics setting into a step
//! REC013 reads.

use super::Reader;
use super::member;
use super::terraform::{all, path, tf_bool, tf_str};
use crate::flow::{
    Analysis, Beep, Capture, EmotionSource, Edge, FlowGraph, RecordingStart, StepKind, Wait,
};
use crate::parse::json::{Json, Member, Value};
use crate::source::Span;
use crate::storage::{
    AnalyticsSetting, Deletion, DeletionKind, InfraRecorder, Infrastructure, Platform,
    QueueRecording, RecorderSide, RecordingExport, RecordingUse, Setting,
};

/// The format of the graph made from Genesys settings: the Terraform files
/// that hold them.
const FORMAT: &str = "terraform";

/// Policy actions that assign recordings to evaluators or calibrations.
const EVALUATIONS: &[&str] = &[
    "assign_evaluations",
    "assign_metered_evaluations",
    "assign_metered_assignment_by_agent",
    "assign_calibrations",
];

impl Reader<'_> {
    /// A Genesys Cloud resource, if it is one that records or uses recordings.
    pub(super) fn genesys_resource(&mut self, kind: &str, name: &Member, body: &Json) {
        match kind {
            "genesyscloud_recording_media_retention_policy" => self.retention_policy(name, body),
            "genesyscloud_telephony_providers_edges_trunkbasesettings" => self.trunk(name, body),
            "genesyscloud_routing_queue" => self.queue(name, body),
            "genesyscloud_speechandtextanalytics_settings" => self.speech_analytics(name, body),
            _ => {}
        }
    }

    fn retention_policy(&mut self, name: &Member, body: &Json) {
        let policy = body
            .get("name")
            .and_then(tf_str)
            .unwrap_or(&name.key)
            .to_string();
        // Terraform sends `false` when `enabled` is not set; an expression may
        // enable it.
        let enabled = body
            .get("enabled")
            .is_some_and(|enabled| tf_bool(enabled) != Some(false));
        let actions = path(body, &["media_policies", "call_policy", "actions"])
            .or_else(|| path(body, &["actions"]));
        let Some(actions) = actions else {
            return;
        };
        let called = format!("media retention policy `{policy}`");
        if enabled {
            self.policy_actions(&called, actions);
        }
        // Without `delete_retention` a policy keeps recordings indefinitely.
        let Some(delete) = path(actions, &["retention_duration", "delete_retention"]) else {
            return;
        };
        let days = delete
            .get("days")
            .map(|days| self.days(days, super::terraform::tf_number(days)));
        self.infrastructure.deletions.push(Deletion {
            kind: DeletionKind::GenesysRetentionPolicy {
                name: policy,
                enabled,
            },
            span: name.key_span,
            days,
        });
    }

    /// What an enabled policy does with the recordings besides keeping them.
    fn policy_actions(&mut self, policy: &str, actions: &Json) {
        for &action in EVALUATIONS {
            if let Some((member, _)) = all(actions, action).next() {
                self.infrastructure.uses.push(RecordingUse {
                    purpose: "quality",
                    name: format!("{action} of {policy}"),
                    span: member.key_span,
                });
            }
        }
        if let Some((member, _)) = all(actions, "media_transcriptions").next() {
            self.infrastructure.analytics.push(AnalyticsSetting {
                feature: "transcription of the recordings (media_transcriptions)".to_string(),
                name: policy.to_string(),
                span: member.key_span,
                scores_agent: false,
            });
        }
        if let Some((member, export)) = all(actions, "integration_export").next() {
            let integration = export
                .get("integration")
                .map_or_else(|| "an integration".to_string(), |i| self.text(i));
            self.infrastructure.exports.push(RecordingExport {
                name: format!("integration_export of {policy}"),
                span: member.key_span,
                integration,
            });
        }
    }

    /// A trunk's recording properties.
    fn trunk(&mut self, name: &Member, body: &Json) {
        let Some(properties) = body.get("properties") else {
            return;
        };
        let trunk = body.get("name").and_then(tf_str).unwrap_or(&name.key);
        let (span, enabled) = match self.property(properties, "trunk_recording_enabled") {
            Some(setting) => setting,
            // Properties as an expression or a JSON string: what they
            // mention is not read.
            None if !matches!(properties.value, Value::Object(_))
                && self.text(properties).contains("trunk_recording_enabled") =>
            {
                (properties.span, Setting::Unknown(self.text(properties)))
            }
            None => return,
        };
        let side = if is_phone_trunk(body, properties) {
            RecorderSide::Station
        } else {
            RecorderSide::Trunk
        };
        self.infrastructure.recorders.push(InfraRecorder {
            platform: Platform::Genesys,
            name: format!("trunk_recording_enabled of trunk `{trunk}`"),
            owner: format!("trunk `{trunk}`"),
            span,
            enabled,
            side,
            consent_required: self.property(properties, "trunk_recording_consent_required"),
            beep: self.property(properties, "trunk_recording_beep_enabled"),
        });
    }

    /// A trunk property: `{"value": {"instance": X}}` in the API's form, or
    /// `X` itself in a `properties` block. A value that is not a boolean is
    /// `Unknown`, with its text.
    fn property(&self, properties: &Json, key: &str) -> Option<(Span, Setting<bool>)> {
        let setting = member(properties, key)?;
        let value = setting
            .value
            .get("value")
            .and_then(|value| value.get("instance"))
            .unwrap_or(&setting.value);
        let known = match tf_bool(value) {
            Some(known) => Setting::Known(known),
            None => Setting::Unknown(tf_str(value).map_or_else(|| self.text(value), str::to_string)),
        };
        Some((setting.key_span, known))
    }

    fn queue(&mut self, name: &Member, body: &Json) {
        let queue = body.get("name").and_then(tf_str).unwrap_or(&name.key);
        let queue = format!("queue `{queue}`");
        let (span, waiting_recorded) = match member(body, "suppress_in_queue_call_recording") {
            Some(suppress) => (
                suppress.key_span,
                match tf_bool(&suppress.value) {
                    Some(suppressed) => Setting::Known(!suppressed),
                    None => Setting::Unknown(self.text(&suppress.value)),
                },
            ),
            // The provider's default suppresses it.
            None => (name.key_span, Setting::Known(false)),
        };
        if let Some(transcription) = member(body, "enable_transcription")
            && tf_bool(&transcription.value) != Some(false)
        {
            self.infrastructure.analytics.push(AnalyticsSetting {
                feature: "voice transcription (enable_transcription)".to_string(),
                name: queue.clone(),
                span: transcription.key_span,
                scores_agent: false,
            });
        }
        self.infrastructure.queues.push(QueueRecording {
            name: queue,
            span,
            waiting_recorded,
        });
    }

    fn speech_analytics(&mut self, name: &Member, body: &Json) {
        let settings = format!("speech and text analytics settings `{}`", name.key);
        // Agent empathy and cordiality detection reads the transcripts.
        for (key, feature, scores_agent) in [
            (
                "text_analytics_enabled",
                "text analytics of the interactions",
                false,
            ),
            (
                "agent_empathy_enabled",
                "empathy analysis of the agents' speech",
                true,
            ),
        ] {
            if let Some(setting) = member(body, key)
                && tf_bool(&setting.value) != Some(false)
            {
                self.infrastructure.analytics.push(AnalyticsSetting {
                    feature: format!("{feature} ({key})"),
                    name: settings.clone(),
                    span: setting.key_span,
                    scores_agent,
                });
            }
        }
    }
}

/// A phone trunk: its `trunk_type` is `PHONE`, or its `trunk_type`
/// property names a station (`station`, `station.cdm`).
fn is_phone_trunk(body: &Json, properties: &Json) -> bool {
    let property = member(properties, "trunk_type").map(|setting| {
        let value = &setting.value;
        value
            .get("value")
            .and_then(|value| value.get("instance"))
            .unwrap_or(value)
    });
    body.get("trunk_type").and_then(tf_str) == Some("PHONE")
        || property
            .and_then(tf_str)
            .is_some_and(|t| t.starts_with("station"))
}

/// The recording and analytics Genesys settings switch on, as a graph: one
/// region per recorder that records without waiting for consent, and one
/// per analytics setting. `None` when the settings switch on neither.
pub(super) fn graph(infra: &Infrastructure) -> Option<FlowGraph> {
    let mut graph = FlowGraph::of_format(FORMAT);
    for recorder in &infra.recorders {
        if recorder.platform == Platform::Genesys && records_without_consent(recorder) {
            add_recorder(&mut graph, recorder, infra);
        }
    }
    for setting in &infra.analytics {
        let region = graph.add_region(setting.name.clone(), setting.span);
        let step = graph.add_step(
            StepKind::Analytics(Box::new(Analysis {
                agent_emotion: setting
                    .scores_agent
                    .then_some(EmotionSource::Transcript),
                org_setting: true,
                ..Analysis::new(setting.feature.clone())
            })),
            setting.span,
            region,
        );
        graph.steps[step.index()].label = Some(setting.name.clone().into());
        graph.entries.push(crate::flow::EntryPoint {
            step,
            region,
            dialled: None,
        });
    }
    (!graph.is_empty()).then_some(graph)
}

/// Whether a recorder is on and records calls without waiting for a flow
/// to enable participant recording.
fn records_without_consent(recorder: &InfraRecorder) -> bool {
    let waits = matches!(recorder.consent_required, Some((_, Setting::Known(true))));
    recorder.enabled == Setting::Known(true)
        && (recorder.side == RecorderSide::Station || !waits)
}

/// One recorder: every call it records starts recording here, then reaches
/// the queues whose waiting is recorded, or an agent.
fn add_recorder(graph: &mut FlowGraph, recorder: &InfraRecorder, infra: &Infrastructure) {
    let region = graph.add_region(recorder.owner.clone(), recorder.span);
    let mut start = match recorder.side {
        RecorderSide::Trunk => RecordingStart::new("trunk-side recording", Capture::Immediately),
        RecorderSide::Station => {
            RecordingStart::new("station-side recording", Capture::FromBridge)
        }
    };
    start.kept_by = Some(Platform::Genesys);
    start.beep = match recorder.beep {
        Some((_, Setting::Known(true))) => Beep::Plays,
        Some((_, Setting::Known(false))) => Beep::Silent,
        Some((_, Setting::Unknown(_))) | None => Beep::Unstated,
    };
    if let Some((span, _)) = recorder.consent_required {
        let note = match recorder.side {
            RecorderSide::Trunk => "consent is not required before recording",
            RecorderSide::Station => {
                "outbound and conference calls are recorded whatever this says"
            }
        };
        start.related.push((span, note.to_string()));
    }
    for using in &infra.uses {
        start.purposes.push((using.purpose.to_string(), using.span));
        start
            .related
            .push((using.span, format!("recordings go to {} here", using.purpose)));
    }
    let label = format!("{} ({})", recorder.name, start.recorder);
    let recording = graph.add_step(StepKind::recording(start), recorder.span, region);
    graph.steps[recording.index()].label = Some(label.into());
    graph.entries.push(crate::flow::EntryPoint {
        step: recording,
        region,
        dialled: None,
    });
    let mut connections: Vec<(String, Span, Wait)> = Vec::new();
    if recorder.side == RecorderSide::Trunk {
        for queue in &infra.queues {
            if queue.waiting_recorded == Setting::Known(true) {
                connections.push((queue.name.clone(), queue.span, Wait::Queue));
            }
        }
    }
    let agent = match recorder.side {
        RecorderSide::Trunk => "the flows and agents the trunk's calls reach",
        RecorderSide::Station => "the agent's call",
    };
    connections.push((agent.to_string(), recorder.span, Wait::Nothing));
    for (target, span, waits) in connections {
        let label = target.clone();
        let step = graph.add_step(StepKind::Connection { target, waits }, span, region);
        graph.steps[step.index()].label = Some(label.into());
        graph.add_edge(recording, Edge::plain(step));
    }
}

#[cfg(test)]
mod tests {
    use super::super::InfraSource;
    use super::super::tests::{Loaded, load_files};
    use super::graph;
    use crate::flow::{Beep, Capture, StepKind, Wait};
    use crate::storage::{DeletionKind, RecorderSide, Setting};

    fn terraform(text: &str) -> Loaded {
        load_files(&[("main.tf", InfraSource::Terraform, text)])
    }

    #[test]
    fn genesys_retention_policies_and_trunk_recording() {
        let loaded = terraform(
            r#"
resource "genesyscloud_recording_media_retention_policy" "eu" {
  name    = "eu-inbound"
  enabled = true
  media_policies {
    call_policy {
      actions {
        retention_duration {
          delete_retention {
            days = 90
          }
        }
      }
    }
  }
}

resource "genesyscloud_recording_media_retention_policy" "off" {
  name    = "off"
  enabled = false
  media_policies {
    call_policy {
      actions {
        retention_duration {
          delete_retention {
            days = var.days
          }
        }
      }
    }
  }
}

resource "genesyscloud_recording_media_retention_policy" "keep" {
  name    = "keep-forever"
  enabled = true
  media_policies {
    call_policy {
      actions {
        retain_recording = true
      }
    }
  }
}

resource "genesyscloud_telephony_providers_edges_trunkbasesettings" "external" {
  name = "Main trunk"
  properties = jsonencode({
    "trunk_recording_enabled" : {
      "value" : {
        "instance" : true
      }
    },
    "trunk_recording_consent_required" : {
      "value" : {
        "instance" : false
      }
    }
  })
}

resource "genesyscloud_telephony_providers_edges_trunkbasesettings" "computed" {
  name = "Computed"
  properties = jsonencode({
    "trunk_recording_enabled" = { "value" = { "instance" = var.record } }
  })
}

resource "genesyscloud_telephony_providers_edges_trunkbasesettings" "edge" {
  name = "Edge"
  properties = jsonencode({
    "trunk_label" = { "value" = { "instance" = "Edge" } }
  })
}

resource "genesyscloud_telephony_providers_edges_trunkbasesettings" "templated" {
  name       = "Templated"
  properties = templatefile("trunk.json", { trunk_recording_enabled = true })
}
"#,
        );
        let policies: Vec<(DeletionKind, &str, Option<Setting<u32>>)> = loaded
            .infrastructure
            .deletions
            .iter()
            .map(|d| (d.kind.clone(), loaded.text(d.span), d.days.clone()))
            .collect();
        assert_eq!(
            policies,
            [
                (
                    DeletionKind::GenesysRetentionPolicy {
                        name: "eu-inbound".into(),
                        enabled: true
                    },
                    "resource \"genesyscloud_recording_media_retention_policy\" \"eu\"",
                    Some(Setting::Known(90))
                ),
                (
                    DeletionKind::GenesysRetentionPolicy {
                        name: "off".into(),
                        enabled: false
                    },
                    "resource \"genesyscloud_recording_media_retention_policy\" \"off\"",
                    Some(Setting::Unknown("var.days".into()))
                ),
            ]
        );
        let recorders: Vec<(&str, &str, Setting<bool>)> = loaded
            .infrastructure
            .recorders
            .iter()
            .map(|r| (r.name.as_str(), loaded.text(r.span), r.enabled.clone()))
            .collect();
        assert_eq!(
            recorders,
            [
                (
                    "trunk_recording_enabled of trunk `Main trunk`",
                    "\"trunk_recording_enabled\"",
                    Setting::Known(true)
                ),
                (
                    "trunk_recording_enabled of trunk `Computed`",
                    "\"trunk_recording_enabled\"",
                    Setting::Unknown("var.record".into())
                ),
                (
                    "trunk_recording_enabled of trunk `Templated`",
                    "templatefile(\"trunk.json\", { trunk_recording_enabled = true })",
                    Setting::Unknown(
                        "templatefile(\"trunk.json\", { trunk_recording_enabled = true })".into()
                    )
                ),
            ]
        );
    }


    const ORGANISATION: &str = r#"
resource "genesyscloud_telephony_providers_edges_trunkbasesettings" "carrier" {
  name       = "Carrier"
  trunk_type = "EXTERNAL"
  properties = jsonencode({
    "trunk_recording_enabled" = { "value" = { "instance" = true } }
    "trunk_recording_beep_enabled" = { "value" = { "instance" = false } }
  })
}

resource "genesyscloud_telephony_providers_edges_trunkbasesettings" "phones" {
  name       = "Phones"
  trunk_type = "PHONE"
  properties = jsonencode({
    "trunk_recording_enabled" = { "value" = { "instance" = true } }
    "trunk_recording_consent_required" = { "value" = { "instance" = true } }
  })
}

resource "genesyscloud_telephony_providers_edges_trunkbasesettings" "waits" {
  name = "Waits for consent"
  properties {
    trunk_recording_enabled          = true
    trunk_recording_consent_required = true
  }
}

resource "genesyscloud_routing_queue" "billing" {
  name                             = "Billing"
  suppress_in_queue_call_recording = false
  enable_transcription             = true
}

resource "genesyscloud_routing_queue" "default" {
  name = "Default"
}

resource "genesyscloud_routing_queue" "computed" {
  name                             = "Computed"
  suppress_in_queue_call_recording = var.suppress
}

resource "genesyscloud_recording_media_retention_policy" "qa" {
  name    = "QA"
  enabled = true
  media_policies {
    call_policy {
      actions {
        assign_calibrations {
          calibrator_id = "x"
        }
        integration_export {
          integration = genesyscloud_integration.s3.id
        }
      }
    }
  }
}

resource "genesyscloud_recording_media_retention_policy" "disabled" {
  name = "Not enabled"
  media_policies {
    call_policy {
      actions {
        assign_evaluations {
          evaluation_form_id = "x"
        }
        media_transcriptions {
          transcription_provider = "GENESYS"
        }
      }
    }
  }
}

resource "genesyscloud_speechandtextanalytics_settings" "settings" {
  text_analytics_enabled = true
  agent_empathy_enabled  = false
}
"#;

    #[test]
    fn sides_consent_beep_queues_uses_and_exports() {
        let loaded = terraform(ORGANISATION);
        let infra = &loaded.infrastructure;
        // Each recorder: its name, side, consent and beep settings.
        type Read<'a> = (&'a str, RecorderSide, Option<Setting<bool>>, Option<Setting<bool>>);
        let recorders: Vec<Read> = infra
            .recorders
            .iter()
            .map(|r| {
                let consent = r.consent_required.clone().map(|(_, s)| s);
                (r.name.as_str(), r.side, consent, r.beep.clone().map(|(_, s)| s))
            })
            .collect();
        assert_eq!(
            recorders,
            [
                (
                    "trunk_recording_enabled of trunk `Carrier`",
                    RecorderSide::Trunk,
                    None,
                    Some(Setting::Known(false))
                ),
                (
                    "trunk_recording_enabled of trunk `Phones`",
                    RecorderSide::Station,
                    Some(Setting::Known(true)),
                    None
                ),
                (
                    "trunk_recording_enabled of trunk `Waits for consent`",
                    RecorderSide::Trunk,
                    Some(Setting::Known(true)),
                    None
                ),
            ]
        );
        let queues: Vec<(&str, &str, Setting<bool>)> = infra
            .queues
            .iter()
            .map(|q| (q.name.as_str(), loaded.text(q.span), q.waiting_recorded.clone()))
            .collect();
        assert_eq!(
            queues,
            [
                (
                    "queue `Billing`",
                    "suppress_in_queue_call_recording",
                    Setting::Known(true)
                ),
                ("queue `Default`", "resource \"genesyscloud_routing_queue\" \"default\"", Setting::Known(false)),
                (
                    "queue `Computed`",
                    "suppress_in_queue_call_recording",
                    Setting::Unknown("var.suppress".into())
                ),
            ]
        );
        let uses: Vec<(&str, &str)> = infra.uses.iter().map(|u| (u.purpose, u.name.as_str())).collect();
        assert_eq!(
            uses,
            [("quality", "assign_calibrations of media retention policy `QA`")]
        );
        let analytics: Vec<(&str, &str)> = infra
            .analytics
            .iter()
            .map(|a| (a.name.as_str(), loaded.text(a.span)))
            .collect();
        assert_eq!(
            analytics,
            [
                ("queue `Billing`", "enable_transcription"),
                (
                    "speech and text analytics settings `settings`",
                    "text_analytics_enabled"
                ),
            ]
        );
        let exports: Vec<(&str, &str)> = infra
            .exports
            .iter()
            .map(|e| (e.name.as_str(), e.integration.as_str()))
            .collect();
        assert_eq!(
            exports,
            [(
                "integration_export of media retention policy `QA`",
                "genesyscloud_integration.s3.id"
            )]
        );
    }

    #[test]
    fn recorders_that_do_not_wait_for_consent_become_flows() {
        let loaded = terraform(ORGANISATION);
        let graph = graph(&loaded.infrastructure).expect("a graph");
        let regions: Vec<&str> = graph.regions.iter().map(|r| r.name.as_str()).collect();
        // The trunk that waits for consent records nothing by itself; the
        // phone trunk records outbound calls whatever consent says.
        assert_eq!(
            regions,
            [
                "trunk `Carrier`",
                "trunk `Phones`",
                "queue `Billing`",
                "speech and text analytics settings `settings`"
            ]
        );
        let starts: Vec<(Capture, Beep, Vec<&str>)> = graph
            .recording_starts()
            .map(|(_, start)| {
                let purposes = start.purposes.iter().map(|(p, _)| p.as_str()).collect();
                (start.capture, start.beep, purposes)
            })
            .collect();
        assert_eq!(
            starts,
            [
                (Capture::Immediately, Beep::Silent, vec!["quality"]),
                (Capture::FromBridge, Beep::Unstated, vec!["quality"]),
            ]
        );
        let carrier = graph.entries[0].step;
        let waits: Vec<(&str, Wait)> = graph
            .step(carrier)
            .edges
            .iter()
            .filter_map(|edge| match &graph.step(edge.to).kind {
                StepKind::Connection { target, waits } => Some((target.as_str(), *waits)),
                _ => None,
            })
            .collect();
        assert_eq!(
            waits,
            [
                ("queue `Billing`", Wait::Queue),
                ("the flows and agents the trunk's calls reach", Wait::Nothing)
            ]
        );
    }
}
