//! Amazon Connect contact flows: the flow language (`Version`, `StartAction`,
//! `Actions`), the legacy console export (`modules`), and flows wrapped as a
//! JSON string (`ContactFlow.Content`, a `Content` next to `Name`, and
//! CloudFormation `AWS::Connect::ContactFlow` `Properties.Content`, also in
//! `Fn::Sub`, in JSON or YAML templates). A wrapped flow is parsed again from the decoded string with
//! its offsets, so its spans point into the wrapper, and as Connect reads a
//! flow: `\'` is `'` there.

use crate::parse::cloudformation;
use crate::parse::json::{self, Json, Keep, Skipped, Syntax, Value};
use crate::parse::{ParseError, Problems, offsets_by_alignment};
use std::path::Path;

use crate::source::{FileId, SourceFile, Span};

#[derive(Debug, Clone)]
pub struct Flow {
    /// The flow's name (wrapper `Name`, legacy `metadata.name`, or the file name).
    pub name: String,
    /// Where the flow is: its `StartAction`/`start`, or the whole document.
    pub span: Span,
    pub start: Option<String>,
    pub actions: Vec<FlowAction>,
    /// The flow type (`CONTACT_FLOW`, `OUTBOUND_WHISPER`, ...) from a wrapper
    /// or the legacy `metadata.type` (`outboundWhisper` is `OUTBOUND_WHISPER`).
    pub flow_type: Option<String>,
    /// What a transfer can name the flow by besides its name: `id:<flow id>`
    /// (a DescribeContactFlow wrapper's `Id`, the end of its `Arn`),
    /// `cfn:<logical id>` (a CloudFormation `AWS::Connect::ContactFlow`),
    /// `tf:aws_connect_contact_flow.<name>` (a Terraform JSON resource).
    pub keys: Vec<String>,
    /// CloudFormation `Fn::Sub` variables of the flow's content that name a
    /// flow resource: variable, key.
    pub substitutions: Vec<(String, String)>,
}

/// The key of a flow with this id or ARN (`…/contact-flow/<id>`).
pub fn id_key(id_or_arn: &str) -> String {
    let id = id_or_arn
        .rsplit_once("contact-flow/")
        .map_or(id_or_arn, |(_, id)| id);
    format!("id:{id}")
}

#[derive(Debug, Clone)]
pub struct FlowAction {
    pub id: String,
    /// `Type` (flow language) or `type` (legacy module).
    pub kind: String,
    pub span: Span,
    /// `Parameters` as an object; legacy `parameters` lists become one.
    pub parameters: Json,
    pub transitions: Transitions,
}

#[derive(Debug, Clone, Default)]
pub struct Transitions {
    /// `NextAction` / the `Success` branch.
    pub next: Option<String>,
    /// Explicit answers: operator, operands, target.
    pub conditions: Vec<Branch>,
    /// Error outcomes (`NoMatchingCondition`, `InputTimeLimitExceeded`, ...).
    pub errors: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct Branch {
    pub operator: String,
    pub operands: Vec<String>,
    pub next: String,
}

impl FlowAction {
    pub fn parameter(&self, name: &str) -> Option<&Json> {
        self.parameters.get(name)
    }

    /// Whether the action hands the call to another flow.
    pub fn transfers_to_flow(&self) -> bool {
        self.kind == "TransferToFlow"
            || (self.kind == "Transfer" && self.parameter("ContactFlowId").is_some())
    }
}

/// The flow a transfer names, before it is looked up among the flows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlowReference {
    /// A JSONPath or template placeholder: decided at run time.
    Computed,
    /// A template resource or variable: the flow with this key, else one
    /// decided at deployment (a parameter, another stack's value).
    Resource(String),
    /// An id or ARN: the flow with `key`, else the flow named `name` (its
    /// `ContactFlowName`, or the last part of the ARN) or named `id` itself.
    Named {
        key: String,
        name: String,
        id: String,
    },
}

/// What a transfer's `ContactFlowId` names: by the id or ARN of an exported
/// flow, by the CloudFormation or Terraform resource that deploys it, or by
/// name.
pub fn flow_reference(from: &Flow, action: &FlowAction) -> FlowReference {
    let Some(id) = action.parameter("ContactFlowId").and_then(Json::as_str) else {
        return FlowReference::Computed;
    };
    let id = id.trim();
    if let Some(reference) = id.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
        // `${X.ContactFlowArn}`, `${X}` (CloudFormation `Fn::Sub`, also through
        // its variables), `${aws_connect_contact_flow.x.arn}` (Terraform).
        let key = match from.substitutions.iter().find(|(v, _)| v == reference) {
            Some((_, key)) => key.clone(),
            None => match reference.strip_prefix("aws_connect_contact_flow.") {
                Some(rest) => format!(
                    "tf:aws_connect_contact_flow.{}",
                    rest.split('.').next().unwrap_or(rest)
                ),
                None => format!("cfn:{}", reference.split('.').next().unwrap_or(reference)),
            },
        };
        return FlowReference::Resource(key);
    }
    if id.starts_with("$.") || id.contains("${") || id.contains("{{") {
        return FlowReference::Computed;
    }
    let name = action
        .parameter("ContactFlowName")
        .and_then(Json::as_str)
        .unwrap_or_else(|| id.rsplit('/').next().unwrap_or(id));
    FlowReference::Named {
        key: id_key(id),
        name: name.to_string(),
        id: id.to_string(),
    }
}

/// Reads every contact flow in a JSON file, or in a CloudFormation template
/// in YAML.
pub fn read(file: FileId, source: &SourceFile, problems: &mut Problems) -> Vec<Flow> {
    if is_json(&source.path, &source.text) {
        return read_json(file, &source.path, &source.text, problems, FLOW_DOCUMENT);
    }
    // Terraform HCL: `resource "aws_connect_contact_flow"` with `content` as
    // `jsonencode({...})` or a heredoc.
    if source.path.extension().is_some_and(|e| e == "tf") {
        return match crate::parse::terraform::parse(file, &source.text) {
            Ok(mut document) => {
                flows_in(file, &source.path, &source.text, problems, &mut document.root)
            }
            Err(error) => {
                problems.parse_errors.push(error);
                Vec::new()
            }
        };
    }
    match cloudformation::parse(file, source) {
        Ok(mut template) => {
            flows_in(file, &source.path, &source.text, problems, &mut template.root)
        }
        Err(error) => {
            problems.parse_errors.push(error);
            Vec::new()
        }
    }
}

/// Whether [`read`] reads a file as JSON (not Terraform HCL, not YAML).
pub fn is_json(path: &Path, text: &str) -> bool {
    path.extension().is_none_or(|e| e != "tf") && text.trim_start().starts_with('{')
}

/// How [`read_json`] reads a document in the flow language: what it builds,
/// and whether it checks the rest.
#[derive(Debug, Clone, Copy)]
pub struct Reading {
    keep: Keep<'static>,
    skipped: Skipped,
}

/// What the flow reader uses of a document in the flow language: the rest
/// (`Metadata`, the canvas positions) is read and checked, not built.
const FLOW_DOCUMENT: Reading = Reading {
    keep: Keep::Only(&[
        ("Actions", Keep::All),
        ("StartAction", Keep::All),
        ("Version", Keep::All),
    ]),
    skipped: Skipped::Checked,
};

/// What the unit key pass uses of a document in the flow language: whether
/// it is one, and each action's type and the parameters that name a
/// transfer's target ([`flow_reference`]). The rest is passed unchecked:
/// the file is read again, checked, when its unit is loaded, and a flawed
/// file that the pass reads as flows at most joins a unit it has no part in.
pub const FLOW_TRANSFERS: Reading = Reading {
    keep: Keep::Only(&[
        (
            "Actions",
            Keep::Only(&[
                ("Type", Keep::All),
                (
                    "Parameters",
                    Keep::Only(&[("ContactFlowId", Keep::All), ("ContactFlowName", Keep::All)]),
                ),
            ]),
        ),
        ("StartAction", Keep::All),
        ("Version", Keep::All),
    ]),
    skipped: Skipped::Unchecked,
};

/// What the unit key pass uses of a document in the flow language none of
/// whose actions can transfer to a flow ([`may_transfer`]): whether it is
/// one. Its actions are passed unchecked, as [`FLOW_TRANSFERS`] passes
/// what it does not keep: the flow reads as one without actions.
pub const FLOW_NAMES: Reading = Reading {
    keep: Keep::Only(&[
        ("Actions", Keep::Presence),
        ("StartAction", Keep::All),
        ("Version", Keep::All),
    ]),
    skipped: Skipped::Unchecked,
};

/// Whether a flow's text may hold a transfer to another flow
/// ([`FlowAction::transfers_to_flow`]): the action type or the parameter
/// written out, or a `\u` escape, which could spell either.
pub fn may_transfer(text: &str) -> bool {
    let holds = |needle: &[u8]| memchr::memmem::find(text.as_bytes(), needle).is_some();
    holds(b"TransferToFlow") || holds(b"ContactFlowId") || holds(b"\\u")
}

/// The flows of a JSON file, as [`read`] reads them in what `reading` keeps:
/// of a document in the flow language only that is built (any other
/// document is built whole, and checked).
pub fn read_json(
    file: FileId,
    path: &Path,
    text: &str,
    problems: &mut Problems,
    reading: Reading,
) -> Vec<Flow> {
    let Reading { keep, skipped } = reading;
    // A flow-language document is read no further than its top (see
    // `Reader::find_flows`), so what `keep` leaves out changes nothing.
    let mut document = match json::parse_kept(file, text, None, Syntax::Strict, keep, skipped) {
        Ok(document) if is_flow_language(&document) => document,
        Ok(_) => match json::parse(file, text, None) {
            Ok(document) => document,
            Err(error) => {
                problems.parse_errors.push(error.into_parse_error());
                return Vec::new();
            }
        },
        // A file that is itself a flow is sent verbatim as a flow's `Content`
        // (`--content file://flow.json`, Terraform `file()`), so Connect's
        // reading of it counts; wrappers are read by strict JSON tooling.
        Err(error) => match json::parse_kept(file, text, None, Syntax::ConnectFlow, keep, skipped) {
            Ok(document) if is_flow_language(&document) => document,
            _ => {
                problems.parse_errors.push(error.into_parse_error());
                return Vec::new();
            }
        },
    };
    flows_in(file, path, text, problems, &mut document)
}

/// The flows a Terraform HCL file deploys from other files: per
/// `aws_connect_contact_flow` resource whose `content` is `file("...")` or
/// `templatefile("...", ...)`, its key (`tf:aws_connect_contact_flow.NAME`)
/// and the path it names, `${path.module}` and the like removed (relative
/// to the `.tf` file's directory).
pub fn terraform_flow_files(file: FileId, text: &str) -> Vec<(String, String)> {
    let Ok(document) = crate::parse::terraform::parse(file, text) else {
        return Vec::new();
    };
    named(&document.root, "resource")
        .into_iter()
        .flat_map(|r| named(r, "aws_connect_contact_flow"))
        .flat_map(Json::members)
        .filter_map(|resource| {
            let content = resource.value.get("content")?.as_str()?;
            let call = content.strip_prefix("${")?.strip_suffix('}')?.trim();
            let args = call
                .strip_prefix("file(")
                .or_else(|| call.strip_prefix("templatefile("))?;
            let quoted = args.trim_start().strip_prefix('"')?;
            let path = &quoted[..quoted.find('"')?];
            let path = ["${path.module}/", "${path.root}/", "${path.cwd}/", "./"]
                .iter()
                .fold(path, |p, prefix| p.strip_prefix(prefix).unwrap_or(p));
            (!path.contains("${")).then(|| {
                (
                    format!("tf:aws_connect_contact_flow.{}", resource.key),
                    path.to_string(),
                )
            })
        })
        .collect()
}

/// The values of `node`'s members named `key`: in Terraform's JSON form of
/// HCL each block is a member of its own, so `resource` and its types
/// repeat.
fn named<'a>(node: &'a Json, key: &str) -> Vec<&'a Json> {
    node.members()
        .iter()
        .filter(|m| m.key == key)
        .map(|m| &m.value)
        .collect()
}

/// The flows in a document and in the strings it embeds them in.
fn flows_in(
    file: FileId,
    path: &Path,
    text: &str,
    problems: &mut Problems,
    document: &mut Json,
) -> Vec<Flow> {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut reader = Reader {
        file,
        text,
        problems,
        out: Vec::new(),
    };
    let around = Around {
        name: stem,
        ..Around::default()
    };
    reader.find_flows(document, "", &around, 0);
    reader.out
}

/// A flow in the 2019-10-30 flow language.
fn is_flow_language(node: &Json) -> bool {
    node.get("Actions").is_some()
        && (node.get("StartAction").is_some() || node.get("Version").is_some())
}

/// What the document says around a flow: its name, its type and what names it.
#[derive(Debug, Clone, Default)]
struct Around {
    name: String,
    flow_type: Option<String>,
    keys: Vec<String>,
    substitutions: Vec<(String, String)>,
}

impl Around {
    fn flow(&self, mut flow: Flow, flow_type: Option<&str>) -> Flow {
        flow.flow_type = self.flow_type.as_deref().or(flow_type).map(api_flow_type);
        flow.keys = self.keys.clone();
        flow.substitutions = self.substitutions.clone();
        flow
    }
}

struct Reader<'a> {
    file: FileId,
    /// The file's text, where spans point.
    text: &'a str,
    problems: &'a mut Problems,
    out: Vec<Flow>,
}

impl Reader<'_> {
    /// Looks for flows in a document (`node`, the value of `key`) and in
    /// strings that embed one. A flow's parts are moved out of the document.
    fn find_flows(&mut self, node: &mut Json, key: &str, around: &Around, depth: usize) {
        if depth > json::MAX_DEPTH {
            return;
        }
        if is_flow_language(node) {
            let flow = around.flow(flow_language(node, &around.name), None);
            self.out.push(flow);
            return;
        }
        if node.get("modules").is_some() {
            let metadata = node.get("metadata");
            let name = metadata
                .and_then(|m| m.get("name"))
                .and_then(Json::as_str)
                .unwrap_or(&around.name);
            let legacy_type = metadata.and_then(|m| m.get("type")).and_then(Json::as_str);
            let flow = around.flow(legacy(node, name), legacy_type);
            self.out.push(flow);
            return;
        }
        // Wrappers name the flow next to its content.
        let mut own = around.clone();
        if let Some(name) = node
            .get("Name")
            .or_else(|| node.get("name"))
            .and_then(Json::as_str)
        {
            own.name = name.to_string();
        }
        if let Some(flow_type) = node
            .get("Type")
            .or_else(|| node.get("type"))
            .and_then(Json::as_str)
            .filter(|t| !t.starts_with("AWS::"))
        {
            own.flow_type = Some(flow_type.to_string());
        }
        // DescribeContactFlow: `Id` and `Arn`.
        for id in ["Id", "Arn"] {
            if let Some(id) = node.get(id).and_then(Json::as_str) {
                let key = id_key(id);
                if !own.keys.contains(&key) {
                    own.keys.push(key);
                }
            }
        }
        let (members, items) = match &mut node.value {
            Value::Object(members) => (members.as_mut_slice(), [].as_mut_slice()),
            Value::Array(items) => ([].as_mut_slice(), items.as_mut_slice()),
            _ => return,
        };
        for member in members {
            // `Content` (exports, CloudFormation) or `content` (Terraform JSON).
            if member.key == "Content" || member.key == "content" {
                self.embedded(&member.value, &own, depth);
                continue;
            }
            let mut child = own.clone();
            if matches!(member.value.value, Value::Object(_)) && member.key != "Properties" {
                child.name = member.key.to_string();
            }
            let resource_type = member.value.get("Type").and_then(Json::as_str);
            if resource_type == Some("AWS::Connect::ContactFlow") {
                child.keys.push(format!("cfn:{}", member.key));
            } else if key == "aws_connect_contact_flow" {
                child
                    .keys
                    .push(format!("tf:aws_connect_contact_flow.{}", member.key));
            }
            self.find_flows(&mut member.value, &member.key, &child, depth + 1);
        }
        for item in items {
            self.find_flows(item, key, around, depth + 1);
        }
    }

    /// A flow held in a string (`"Content": "{\"Version\": ...}"`), also as the
    /// first element of CloudFormation's `{"Fn::Sub": ["...", {...}]}`.
    fn embedded(&mut self, content: &Json, around: &Around, depth: usize) {
        let mut around = around.clone();
        let content = match content.get("Fn::Sub") {
            Some(sub) => {
                if let Some(variables) = sub.as_array().get(1) {
                    around
                        .substitutions
                        .extend(variables.members().iter().filter_map(|m| {
                            Some((m.key.to_string(), format!("cfn:{}", resource_named(&m.value)?)))
                        }));
                }
                sub.as_array().first().unwrap_or(sub)
            }
            None => content,
        };
        let Some(text) = content.as_str() else {
            // Rare (a `Content` object): read from a copy.
            self.find_flows(&mut content.clone(), "", &around, depth + 1);
            return;
        };
        if !(text.contains("\"Actions\"") || text.contains("\"modules\"")) {
            return;
        }
        let raw = self
            .text
            .get(content.span.start as usize..content.span.end as usize)
            .unwrap_or("");
        let start = content.span.start as usize;
        // A JSON string, or a YAML scalar (a block, quoted or plain) whose
        // text is what it holds less indentation, quotes and escapes.
        let (decoded, offsets) = json::decode_with_offsets(raw, start).unwrap_or_else(|| {
            (
                text.to_string(),
                offsets_by_alignment(text, raw, start),
            )
        });
        // Connect itself reads the embedded flow.
        match json::parse_with(self.file, &decoded, Some(&offsets), Syntax::ConnectFlow) {
            Ok(mut inner) => self.find_flows(&mut inner, "", &around, depth + 1),
            Err(error) => self.problems.parse_errors.push(ParseError::new(
                error.span,
                format!("malformed contact flow in `Content`: {}", error.message),
                "the embedded flow cannot be read from here on",
            )),
        }
    }
}

/// The CloudFormation resource `{"Ref": "X"}` or `{"Fn::GetAtt": ["X", ...]}`
/// (or `"X.Attribute"`) names.
fn resource_named(value: &Json) -> Option<&str> {
    if let Some(name) = value.get("Ref").and_then(Json::as_str) {
        return Some(name);
    }
    let at = value.get("Fn::GetAtt")?;
    match at.as_array().first() {
        Some(first) => first.as_str(),
        None => at.as_str().map(|a| a.split('.').next().unwrap_or(a)),
    }
}

/// A flow type as the API names it: the legacy export's `outboundWhisper`
/// is `OUTBOUND_WHISPER`.
fn api_flow_type(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 && !name.contains('_') {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

fn text_of(node: Option<&Json>) -> Option<String> {
    node.and_then(Json::as_text)
}

/// The 2019-10-30 flow language, moved out of its document.
fn flow_language(flow: &mut Json, name: &str) -> Flow {
    let span = flow.get("StartAction").map(|s| s.span).unwrap_or(flow.span);
    let start = flow.get_mut("StartAction").and_then(Json::take_text);
    let actions = match flow.get_mut("Actions").map(|a| &mut a.value) {
        Some(Value::Array(actions)) => actions.iter_mut().map(flow_action).collect(),
        _ => Vec::new(),
    };
    Flow {
        name: name.to_string(),
        span,
        start,
        actions,
        flow_type: None,
        keys: Vec::new(),
        substitutions: Vec::new(),
    }
}

/// One action of the flow language, moved out of its document.
fn flow_action(action: &mut Json) -> FlowAction {
    let mut transitions = action.get_mut("Transitions").map(Json::take);
    let mut list = |name: &str| match transitions
        .as_mut()
        .and_then(|t| t.get_mut(name))
        .map(Json::take)
    {
        Some(Json {
            value: Value::Array(items),
            ..
        }) => items,
        _ => Vec::new(),
    };
    let conditions = list("Conditions")
        .into_iter()
        .filter_map(|mut c| {
            let mut condition = c.get_mut("Condition")?.take();
            Some(Branch {
                operator: condition
                    .get_mut("Operator")
                    .and_then(Json::take_text)
                    .unwrap_or_default(),
                operands: match condition.get_mut("Operands").map(Json::take) {
                    Some(Json {
                        value: Value::Array(operands),
                        ..
                    }) => operands.into_iter().filter_map(|mut o| o.take_text()).collect(),
                    _ => Vec::new(),
                },
                next: c.get_mut("NextAction").and_then(Json::take_text)?,
            })
        })
        .collect();
    let errors = list("Errors")
        .into_iter()
        .filter_map(|mut e| {
            let error_type = e.get_mut("ErrorType").and_then(Json::take_text);
            Some((
                error_type.unwrap_or_default(),
                e.get_mut("NextAction").and_then(Json::take_text)?,
            ))
        })
        .collect();
    let next = transitions
        .as_mut()
        .and_then(|t| t.get_mut("NextAction"))
        .and_then(Json::take_text);
    FlowAction {
        id: action
            .get_mut("Identifier")
            .and_then(Json::take_text)
            .unwrap_or_default(),
        kind: action
            .get_mut("Type")
            .and_then(Json::take_text)
            .unwrap_or_default(),
        span: action.span,
        parameters: action
            .get_mut("Parameters")
            .map(Json::take)
            .unwrap_or(Json {
                value: Value::Object(Vec::new()),
                span: action.span,
            }),
        transitions: Transitions {
            next,
            conditions,
            errors,
        },
    }
}

/// The legacy export: `modules` with `parameters` as `{name, value}` lists
/// and `branches` with `condition`s (`Success`, `Evaluate`, `Timeout`, ...).
fn legacy(flow: &Json, name: &str) -> Flow {
    let actions = flow
        .get("modules")
        .map(Json::as_array)
        .unwrap_or(&[])
        .iter()
        .map(|module| {
            let parameters = module
                .get("parameters")
                .map(Json::as_array)
                .unwrap_or(&[])
                .iter()
                .filter_map(|p| {
                    Some(json::Member {
                        key: p.get("name")?.as_str()?.into(),
                        key_span: p.span,
                        value: p.get("value")?.clone(),
                    })
                })
                .collect();
            let mut transitions = Transitions::default();
            for branch in module.get("branches").map(Json::as_array).unwrap_or(&[]) {
                let (Some(condition), Some(target)) = (
                    text_of(branch.get("condition")),
                    text_of(branch.get("transition")),
                ) else {
                    continue;
                };
                match condition.as_str() {
                    "Success" => transitions.next = Some(target),
                    "Evaluate" => transitions.conditions.push(Branch {
                        operator: text_of(branch.get("conditionType")).unwrap_or_default(),
                        operands: text_of(branch.get("conditionValue")).into_iter().collect(),
                        next: target,
                    }),
                    _ => transitions.errors.push((condition, target)),
                }
            }
            FlowAction {
                id: text_of(module.get("id")).unwrap_or_default(),
                kind: text_of(module.get("type")).unwrap_or_default(),
                span: module.span,
                parameters: Json {
                    value: Value::Object(parameters),
                    span: module.span,
                },
                transitions,
            }
        })
        .collect();
    Flow {
        name: name.to_string(),
        span: flow.get("start").map(|s| s.span).unwrap_or(flow.span),
        start: text_of(flow.get("start")),
        actions,
        flow_type: None,
        keys: Vec::new(),
        substitutions: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flows(text: &str) -> (Vec<Flow>, Problems) {
        let source = SourceFile::new("flow.json".into(), "flow.json".into(), text.to_string());
        let mut problems = Problems::default();
        (read(FileId(0), &source, &mut problems), problems)
    }

    #[test]
    fn flow_language_and_wrappers() {
        let bare = r#"{"Version":"2019-10-30","StartAction":"a","Actions":[{"Identifier":"a","Type":"MessageParticipant","Parameters":{"Text":"Hi"},"Transitions":{"NextAction":"b","Conditions":[{"NextAction":"c","Condition":{"Operator":"Equals","Operands":["1"]}}],"Errors":[{"NextAction":"d","ErrorType":"NoMatchingError"}]}}]}"#;
        let (f, _) = flows(bare);
        assert_eq!(f[0].start.as_deref(), Some("a"));
        let a = &f[0].actions[0];
        assert_eq!(a.kind, "MessageParticipant");
        assert_eq!(a.transitions.conditions[0].operands, ["1"]);
        assert_eq!(a.transitions.errors[0].0, "NoMatchingError");

        let wrapped = format!(
            r#"{{"ContactFlow":{{"Name":"Inbound","Content":{}}}}}"#,
            serde_json::to_string(bare).unwrap()
        );
        let (w, problems) = flows(&wrapped);
        assert!(problems.parse_errors.is_empty());
        assert_eq!(w[0].name, "Inbound");
        let span = w[0].actions[0].span;
        assert!(wrapped[span.start as usize..span.end as usize].starts_with(r#"{\"Identifier\""#));
    }

    #[test]
    fn escaped_apostrophe_is_read_where_connect_reads_it() {
        // In an embedded flow, as the Connect API exports it.
        let text = r#"{"ContactFlow":{"Name":"x","Content":"{\"StartAction\":\"a\",\"Actions\":[{\"Identifier\":\"a\",\"Type\":\"MessageParticipant\",\"Parameters\":{\"Text\":\"it\\'s recorded\"}}]}"}}"#;
        let (f, problems) = flows(text);
        assert!(problems.parse_errors.is_empty());
        let action = &f[0].actions[0];
        assert_eq!(
            action.parameter("Text").and_then(Json::as_str),
            Some("it's recorded")
        );
        let span = action.span;
        assert!(text[span.start as usize..span.end as usize].starts_with(r#"{\"Identifier\""#));
        assert!(text[..span.end as usize].ends_with("}"));
        // In a file that is itself a flow (sent verbatim as `Content`).
        let bare = r#"{"StartAction":"a","Actions":[{"Identifier":"a","Type":"MessageParticipant","Parameters":{"Text":"it\'s recorded"}}]}"#;
        let (f, problems) = flows(bare);
        assert!(problems.parse_errors.is_empty());
        assert_eq!(f[0].actions.len(), 1);
        // Not in a wrapper, which strict JSON tooling reads.
        let wrapper = r#"{"ContactFlow":{"Name":"it\'s","Content":"{\"StartAction\":\"a\",\"Actions\":[]}"}}"#;
        let (_, problems) = flows(wrapper);
        assert_eq!(problems.parse_errors.len(), 1);
    }

    #[test]
    fn broken_embedded_flow_is_located() {
        let text = r#"{"Resources":{"F":{"Type":"AWS::Connect::ContactFlow","Properties":{"Name":"x","Content":"{\"Actions\":[{\"Text\":\"it\\xs\"}]}"}}}}"#;
        let (_, problems) = flows(text);
        assert_eq!(problems.parse_errors.len(), 1);
        let span = problems.parse_errors[0].span;
        assert!(
            text[span.start as usize..].starts_with("\\\\x"),
            "{}",
            &text[span.start as usize..]
        );
    }

    #[test]
    fn what_names_a_flow() {
        let export = r#"{"ContactFlow":{"Arn":"arn:aws:connect:eu-west-1:1:instance/i/contact-flow/f-1","Id":"f-1","Name":"A","Content":"{\"StartAction\":\"a\",\"Actions\":[]}"}}"#;
        let (f, _) = flows(export);
        assert_eq!(f[0].keys, ["id:f-1"]);
        let template = r#"{"Resources":{"Main":{"Type":"AWS::Connect::ContactFlow","Properties":{"Name":"M","Content":{"Fn::Sub":["{\"StartAction\":\"a\",\"Actions\":[]}",{"Target":{"Fn::GetAtt":["Other","ContactFlowArn"]}}]}}}}}"#;
        let (f, _) = flows(template);
        assert_eq!(f[0].keys, ["cfn:Main"]);
        assert_eq!(
            f[0].substitutions,
            [("Target".to_string(), "cfn:Other".to_string())]
        );
        let terraform = r#"{"resource":{"aws_connect_contact_flow":{"main":{"name":"M","content":"{\"StartAction\":\"a\",\"Actions\":[]}"}}}}"#;
        let (f, _) = flows(terraform);
        assert_eq!(f[0].keys, ["tf:aws_connect_contact_flow.main"]);
        assert_eq!(f[0].name, "M");
    }

    #[test]
    fn terraform_flows_deployed_from_files() {
        let text = "resource \"aws_connect_contact_flow\" \"recorded\" {\n  name = \"R\"\n  content = file(\"${path.module}/flows/recorded.json\")\n}\nresource \"aws_connect_contact_flow\" \"t\" {\n  content = templatefile(\"t.json.tpl\", { queue = var.q })\n}\nresource \"aws_connect_contact_flow\" \"v\" {\n  content = file(var.path)\n}\n";
        assert_eq!(
            terraform_flow_files(FileId(0), text),
            [
                (
                    "tf:aws_connect_contact_flow.recorded".to_string(),
                    "flows/recorded.json".to_string()
                ),
                (
                    "tf:aws_connect_contact_flow.t".to_string(),
                    "t.json.tpl".to_string()
                )
            ]
        );
    }

    #[test]
    fn legacy_modules() {
        let text = r#"{"modules":[{"id":"m1","type":"SetRecordingBehavior","branches":[{"condition":"Success","transition":"m2"}],"parameters":[{"name":"RecordingBehaviorOption","value":"Enable"}]}],"start":"m1","metadata":{"name":"Old"}}"#;
        let (f, _) = flows(text);
        assert_eq!(f[0].name, "Old");
        assert_eq!(api_flow_type("outboundWhisper"), "OUTBOUND_WHISPER");
        assert_eq!(api_flow_type("OUTBOUND_WHISPER"), "OUTBOUND_WHISPER");
        let m = &f[0].actions[0];
        assert_eq!(
            m.parameter("RecordingBehaviorOption")
                .and_then(Json::as_str),
            Some("Enable")
        );
        assert_eq!(m.transitions.next.as_deref(), Some("m2"));
    }
}
