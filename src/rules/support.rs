//! What the recording rules share: naming the statement and its context in
//! messages, labels on the entry and the notice/consent steps, witness paths
//! as traces.

use std::cell::RefCell;
use std::sync::Arc;

use crate::analysis::{PbxAnalysis, RecordingFacts, Witness, is_training_class};
use crate::catalog::RuleCode;
use crate::config::{Config, LegalBasis, Profile, Purpose};
use crate::finding::{Finding, Label, TraceStep};
use crate::flow::{RecordingStart, StepId, StepKind};
use crate::hash::FastHashMap;
use crate::rules::RuleContext;
use crate::rules::profiles::{UnderProfile, under_profile};
use crate::source::{SourceMap, Span};

/// Longest statement text quoted in a message.
const QUOTE_LIMIT: usize = 72;

/// The statement at `span`, on one line and shortened for messages.
pub fn quote(sources: &SourceMap, span: Span) -> String {
    let mut text: String = sources
        .slice(span)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    // An XML element reads better without its angle brackets.
    if let Some(inner) = text
        .strip_prefix('<')
        .and_then(|t| t.strip_suffix("/>").or_else(|| t.strip_suffix('>')))
    {
        text = inner.trim_end().to_string();
    }
    shorten(text)
}

/// Text cut to what a message can hold.
fn shorten(text: String) -> String {
    if text.chars().count() <= QUOTE_LIMIT {
        return text;
    }
    let cut: String = text.chars().take(QUOTE_LIMIT - 4).collect();
    // Keep it recognisably a call: `Playback(custom/long-na...)`.
    if text.ends_with(')') && cut.contains('(') {
        format!("{cut}...)")
    } else {
        format!("{cut}...")
    }
}

/// A step as messages name it: its label, or its quoted source.
pub fn describe(sources: &SourceMap, pbx: &PbxAnalysis, step: StepId) -> String {
    let step = pbx.graph.step(step);
    match &step.label {
        Some(label) => shorten(label.to_string()),
        None => quote(sources, step.span),
    }
}

/// `[from-pstn]`: the context or flow a step is in.
pub fn region_of(pbx: &PbxAnalysis, step: StepId) -> String {
    format!("[{}]", pbx.graph.region(pbx.graph.step(step).region).name)
}

/// `MixMonitor(...) in [from-pstn]`.
pub fn recording_name(ctx: &RuleContext, pbx: &PbxAnalysis, recording: &RecordingFacts) -> String {
    format!(
        "{} in {}",
        describe(ctx.sources, pbx, recording.step),
        region_of(pbx, recording.step)
    )
}

/// A finding anchored at a recording start, with the witness as its trace and
/// a label where the call enters.
pub fn recording_finding(
    rule: &'static str,
    ctx: &RuleContext,
    pbx: &PbxAnalysis,
    recording: &RecordingFacts,
    label: &str,
    message: String,
    witness: Option<&Witness>,
) -> Finding {
    let step = pbx.graph.step(recording.step);
    let mut finding = Finding::new(rule, Label::new(step.span, label), message);
    finding.context = Some(pbx.graph.region(step.region).name.clone());
    finding.fingerprint_anchor = format!(
        "{}|{}",
        region_of(pbx, recording.step),
        describe(ctx.sources, pbx, recording.step)
    );
    for (span, text) in &recording.start.related {
        finding.related.push(Label::new(*span, text.clone()));
    }
    if let Some(witness) = witness {
        if let Some(entry) = entry_label(pbx, witness) {
            finding.related.push(entry);
        }
        finding.trace = trace(ctx, pbx, witness);
    }
    finding
}

/// How a flow of this format asks for consent, in the platform's terms.
pub fn consent_question_howto(format: &str) -> &'static str {
    match format {
        "freeswitch" => "play_and_get_digits, then a condition on the answer",
        "amazon-connect" => "a Get customer input block and a branch on the key pressed",
        "twilio" => "<Gather> or a Studio Gather Input widget, and a branch on the answer",
        "telnyx" => "<Gather action=...>, whose action document records only after a yes",
        "signalwire" => {
            "<Gather action=...> in cXML, whose action document records only after a yes, or a SWML prompt, then a switch on prompt_value"
        }
        "plivo" => "<GetInput> or <GetDigits>, whose action URL records only after a yes",
        "terraform" => {
            "set trunk_recording_consent_required on the trunk, and run Enable Participant Recording in the Architect flow only after the caller says yes"
        }
        "vonage" => {
            "a talk that asks, then an input whose eventUrl webhook returns the NCCO with the record action only for a yes"
        }
        "genesys" => "a Collect Input action or a menu, and a Decision on the answer",
        _ => "Read + GotoIf on the answer",
    }
}

/// How a recording of this format starts only once a person answers, in the
/// platform's terms.
pub fn record_from_answer_howto(format: &str, start: &RecordingStart) -> &'static str {
    if start.stream {
        return match format {
            "amazon-connect" => {
                "start media streaming after the IVR part, or stop it (Stop media streaming, `MediaStreamingState: Disabled`) before the prompts it should not hear"
            }
            _ => {
                "start the stream after the IVR part, or stop it before the prompts it should not hear"
            }
        };
    }
    match format {
        "freeswitch" => "set RECORD_BRIDGE_REQ=true before record_session",
        "amazon-connect" => {
            "leave IVR recording off, so the recording block records from when the agent connects"
        }
        "twilio" | "telnyx" => "record-from-answer on <Dial>",
        "signalwire" => {
            "record-from-answer on <Dial> in cXML; in SWML, start record_call in the confirm methods of connect (they run once the called party answers) instead of before connect"
        }
        "plivo" => "<Record startOnDialAnswer=\"true\"> before the <Dial> instead of recordSession",
        "terraform" => {
            "trunk_recording_consent_required on the trunk, so recording waits for the flow's Enable Participant Recording, and suppress_in_queue_call_recording = true on its queues"
        }
        "vonage" => {
            "put the record action after the prompts and the input, or record a conversation (`record: true`) that the agent joins"
        }
        "genesys" => {
            "run Enable Participant Recording right before Transfer to ACD, after the prompts and menus"
        }
        _ => "MixMonitor option b",
    }
}

/// How callers of this format hear that an on-demand recording starts, in
/// the platform's terms.
pub fn on_demand_notice_howto(format: &str) -> &'static str {
    match format {
        "freeswitch" => {
            "play a recording notice (playback) before the bridge, or refuse on-demand recording on calls that must not be recorded (set sip_disable_recording=true for a sofia record-template; no record_session binding)"
        }
        "amazon-connect" => "play a recording notice before the call reaches the agent",
        "twilio" | "telnyx" => {
            "play a recording notice (<Say> or <Play>) before the call is connected"
        }
        "signalwire" => {
            "play a recording notice (<Say> or <Play> in cXML, a SWML play with say: text) before the call is connected"
        }
        "plivo" => "play a recording notice (<Speak> or <Play>) before the call is connected",
        "vonage" => {
            "play a recording notice (a talk or stream action) before the call is connected"
        }
        "genesys" => "play a recording notice (Play Audio) before the transfer",
        _ => {
            "play a recording notice before connecting the call, or set a start message (features.conf `courtesytone` or `TOUCH_MIXMONITOR_MESSAGE_START`)"
        }
    }
}

/// How a recorder of this format is set to beep when it starts, in the
/// platform's terms.
pub fn beep_howto(format: &str) -> &'static str {
    match format {
        "terraform" => "trunk_recording_beep_enabled on the Genesys Cloud trunk",
        "vonage" => "`beepStart: true` on the record action",
        "signalwire" => "`beep: true` on SWML record_call",
        "plivo" => "Plivo's background recording has no beep: play a <Speak> notice instead",
        _ => "the recorder's beep or start-tone setting",
    }
}

/// How a recording of this format is stopped on request, in the platform's
/// terms.
pub fn stop_recording_howto(format: &str) -> &'static str {
    match format {
        "freeswitch" => "a stop_record_session action, or a bind_digit_action that runs it",
        "amazon-connect" => "a Set recording and analytics behavior block that turns recording off",
        "twilio" => "<Stop><Recording/></Stop>, or a recording status update through the API",
        "vonage" => {
            "no NCCO action stops a running record: bound it with timeOut, or record a conversation (`record: true`) the caller can leave"
        }
        "telnyx" => {
            "<Stop><Siprec name=...></Stop> for a SIPREC session, the Stop Recording command of the TeXML API for a recording"
        }
        "signalwire" => {
            "a SWML stop_record_call (after a prompt that offers it) or terminators on record_call; for cXML, a recording status update through the Compatibility API"
        }
        "plivo" => {
            "a Stop Recording request to the Call API (Plivo XML has no element that stops one)"
        }
        "genesys" => {
            "Architect has no action that turns participant recording off, so let agents pause or stop the recording from the agent interface when the caller asks"
        }
        _ => {
            "a StopMixMonitor step, or the automixmon key (features.conf) with Dial/Queue option x (the agent) or X (the caller)"
        }
    }
}

/// The extension or number dialled to come in at an entry point `step`.
pub fn dialled_at(pbx: &PbxAnalysis, step: StepId) -> Option<&str> {
    pbx.graph
        .entries
        .iter()
        .find(|e| e.step == step)
        .and_then(|e| e.dialled.as_deref())
}

/// "calls enter here" on the entry point a witness starts from.
fn entry_label(pbx: &PbxAnalysis, witness: &Witness) -> Option<Label> {
    let first = witness.steps.first()?.step;
    let step = pbx.graph.step(first);
    matches!(step.kind, StepKind::Dispatch).then(|| {
        let region = pbx.graph.region(step.region);
        Label::new(region.span, format!("calls enter [{}] here", region.name))
    })
}

/// Labels on the notice and consent steps a witness passes.
pub fn heard_labels(pbx: &PbxAnalysis, witness: &Witness) -> Vec<Label> {
    witness
        .steps
        .iter()
        .filter_map(|w| {
            let i = w.step.index();
            let span = pbx.graph.step(w.step).span;
            if let Some(note) = &pbx.graph.step(w.step).note {
                Some(Label::new(span, note.clone()))
            } else if pbx.consent_questions[i] {
                Some(Label::new(span, "consent is asked here"))
            } else if pbx.notices[i] {
                Some(Label::new(span, "the caller is told here"))
            } else {
                None
            }
        })
        .collect()
}

/// The witness path as trace steps, leaving out steps that do nothing a
/// reader needs (NoOp, Set, ...).
pub fn trace(ctx: &RuleContext, pbx: &PbxAnalysis, witness: &Witness) -> Vec<TraceStep> {
    let steps = &witness.steps;
    let mut trace = Vec::new();
    for (i, w) in steps.iter().enumerate() {
        let step = pbx.graph.step(w.step);
        if matches!(step.kind, StepKind::Other) {
            continue;
        }
        let region = ctx.step_texts.region(ctx, pbx, w.step);
        if w.passed_before > 0 {
            trace.push(TraceStep {
                span: step.span,
                region: Arc::clone(&region),
                text: format!("… {} more conditions passed", w.passed_before).into(),
            });
        }
        let dialled = (i == 0).then(|| dialled_at(pbx, w.step)).flatten();
        // The outcome of a branch is shown on the branch.
        let taken = steps.get(i + 1).and_then(|next| next.taken.as_ref());
        let text: Arc<str> = match (&step.kind, dialled, taken) {
            (_, Some(dialled), _) => {
                with_outcome(format!("call to `{dialled}` enters {region}"), taken)
            }
            (StepKind::Dispatch, None, _) => with_outcome(format!("call enters {region}"), taken),
            (_, None, None) => ctx.step_texts.described(ctx, pbx, w.step),
            (_, None, Some(_)) => with_outcome(
                ctx.step_texts.described(ctx, pbx, w.step).to_string(),
                taken,
            ),
        };
        trace.push(TraceStep {
            span: step.span,
            region,
            text,
        });
    }
    trace
}

/// A trace step's text with the outcome of its branch, if any.
fn with_outcome(mut text: String, taken: Option<&String>) -> Arc<str> {
    if let Some(taken) = taken {
        text.push_str("  → ");
        text.push_str(taken);
    }
    text.into()
}

/// The steps of a unit's analyses as traces show them, each described once:
/// the steps of a flow recur in the trace of every finding reached through
/// them.
#[derive(Default)]
pub struct StepTexts {
    /// By analysis (its index in the context) and step.
    texts: RefCell<FastHashMap<(usize, StepId), Texts>>,
}

#[derive(Default)]
struct Texts {
    region: Option<Arc<str>>,
    described: Option<Arc<str>>,
}

impl StepTexts {
    /// [`region_of`] the step.
    fn region(&self, ctx: &RuleContext, pbx: &PbxAnalysis, step: StepId) -> Arc<str> {
        let Some(index) = analysis_index(ctx, pbx) else {
            return region_of(pbx, step).into();
        };
        let mut texts = self.texts.borrow_mut();
        let texts = texts.entry((index, step)).or_default();
        Arc::clone(
            texts
                .region
                .get_or_insert_with(|| region_of(pbx, step).into()),
        )
    }

    /// [`describe`] the step.
    fn described(&self, ctx: &RuleContext, pbx: &PbxAnalysis, step: StepId) -> Arc<str> {
        let Some(index) = analysis_index(ctx, pbx) else {
            return describe(ctx.sources, pbx, step).into();
        };
        let mut texts = self.texts.borrow_mut();
        let texts = texts.entry((index, step)).or_default();
        Arc::clone(
            texts
                .described
                .get_or_insert_with(|| describe(ctx.sources, pbx, step).into()),
        )
    }
}

/// Where `pbx` is among the context's analyses (one from elsewhere is
/// described afresh).
fn analysis_index(ctx: &RuleContext, pbx: &PbxAnalysis) -> Option<usize> {
    ctx.analyses.iter().position(|a| std::ptr::eq(a, pbx))
}

/// The purposes of a recording with their declarations.
pub fn purposes(config: &Config, recording: &RecordingFacts) -> Vec<Purpose> {
    recording
        .purposes
        .iter()
        .map(|p| config.purpose(&p.name))
        .collect()
}

/// Whether the recording's legal basis is consent: some purpose relies on
/// consent (declared or by default), or it has no purpose at all.
pub fn relies_on_consent(config: &Config, recording: &RecordingFacts) -> bool {
    let purposes = purposes(config, recording);
    purposes.is_empty() || purposes.iter().any(|p| needs_consent(&config.profile, p))
}

/// Whether a purpose stands on consent: it says so, or its declared basis
/// does not exist in the jurisdiction (legitimate interests in India).
fn needs_consent(profile: &Profile, purpose: &Purpose) -> bool {
    purpose.legal_basis == LegalBasis::Consent || !profile.has_basis(purpose.legal_basis)
}

/// REC001's condition, shared with REC004 (which yields to it): the recording
/// records every call of an entry point and is not justified.
pub fn unjustified_blanket(ctx: &RuleContext, recording: &RecordingFacts) -> bool {
    let rec001_runs =
        under_profile(RuleCode::Rec001.as_str(), &ctx.config.profile) != UnderProfile::Off;
    if recording.blanket.is_none() || !rec001_runs {
        return false;
    }
    let profile = &ctx.config.profile;
    let purposes = purposes(ctx.config, recording);
    purposes.is_empty()
        || purposes.iter().any(|p| {
            needs_consent(profile, p)
                || (p.necessity.is_none() && p.mandate.is_none())
                // The CNIL: training and sales never justify recording every
                // call; recording now and then, at random, can.
                || (profile.france() && p.mandate.is_none() && is_training_class(&p.name))
        })
}

/// The laws that require a recording, as messages name them: its purposes'
/// `mandate`s, and the profile's mandate for every call on the line.
pub fn mandates(ctx: &RuleContext, recording: &RecordingFacts) -> Vec<String> {
    purposes(ctx.config, recording)
        .into_iter()
        .filter_map(|p| p.mandate.map(|m| format!("`{}` ({m})", p.name)))
        .chain(
            ctx.config
                .profile
                .recording_mandate()
                .map(|m| format!("every call on this line ({})", m.law)),
        )
        .collect()
}

/// Training-class purposes of a recording.
pub fn training_purposes(config: &Config, recording: &RecordingFacts) -> Vec<Purpose> {
    purposes(config, recording)
        .into_iter()
        .filter(|p| is_training_class(&p.name))
        .collect()
}

/// "purposes `a` (consent), `b` (legitimate-interests)" for messages.
pub fn describe_purposes(purposes: &[Purpose]) -> String {
    purposes
        .iter()
        .map(|p| {
            let basis = if p.basis_declared {
                p.legal_basis.as_str()
            } else {
                "consent, undeclared"
            };
            format!("`{}` ({basis})", p.name)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A finding at an analytics step that a call reaches along `witness`:
/// anchored at the flow it is in and the feature it switches on, with the
/// path as its trace.
pub fn analytics_finding(
    ctx: &RuleContext,
    pbx: &PbxAnalysis,
    step: StepId,
    witness: &Witness,
    primary: Label,
    message: String,
    rule: &'static str,
) -> Option<Finding> {
    let at = pbx.graph.step(step);
    let StepKind::Analytics(analysis) = &at.kind else {
        return None;
    };
    let mut finding = Finding::new(rule, primary, message);
    finding.context = Some(pbx.graph.region(at.region).name.clone());
    finding.fingerprint_anchor = format!("{}|{}", region_of(pbx, step), analysis.feature);
    finding.trace = trace(ctx, pbx, witness);
    Some(finding)
}
