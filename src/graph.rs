//! `reclint graph`: the call-flow graph of each entry point, as the check
//! loads and analyses it (so the picture shows what the rules saw), in DOT,
//! Mermaid, SVG or JSON; a finding's witness path can be marked.

use std::path::Path;

use miette::miette;

use crate::check::{self, CheckOptions};
use crate::report::graph::{
    DrawOptions, Drawing, FlowPicture, Witness, dot, mermaid, place_of, svg,
};
use crate::rules::Registry;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphFormat {
    Dot,
    Mermaid,
    Svg,
    Json,
}

pub struct GraphOptions {
    pub check: CheckOptions,
    pub draw: DrawOptions,
    pub format: GraphFormat,
    /// Mark the witness path of the finding with this fingerprint.
    pub finding: Option<String>,
}

/// The drawing, written in its format.
pub fn run(options: &GraphOptions, cwd: &Path, registry: &Registry) -> miette::Result<String> {
    let check_options = CheckOptions {
        evidence: true,
        drop_sources: true,
        ..options.check.clone()
    };
    let run = check::run(&check_options, cwd, registry)?;
    let pictures = run.evidence.pictures;
    let mut draw = options.draw.clone();
    let witness = match &options.finding {
        None => Witness::default(),
        Some(fingerprint) => {
            let reported = run
                .outcome
                .reported
                .iter()
                .find(|r| &r.fingerprint == fingerprint)
                .ok_or_else(|| {
                    miette!(
                        code = "reclint::usage",
                        help = "`reclint check --format json` lists each finding's fingerprint",
                        "no finding has fingerprint `{fingerprint}`"
                    )
                })?;
            let witness = Witness::of(reported, &run.sources);
            // Without --entry, the entry the witness path starts at.
            if draw.entry.is_none() {
                draw.entry = reported
                    .finding
                    .trace
                    .first()
                    .and_then(|step| entry_at(&pictures, &place_of(&run.sources, step.span)));
            }
            witness
        }
    };
    if let Some(wanted) = &draw.entry {
        known_entry(&pictures, wanted)?;
    }
    let drawing = Drawing::new(&pictures, &draw, &witness);
    Ok(match options.format {
        GraphFormat::Dot => dot::render(&drawing),
        GraphFormat::Mermaid => mermaid::render(&drawing),
        GraphFormat::Svg => {
            let title = match &draw.entry {
                Some(entry) => format!("Call flow of {entry}"),
                None => "Call flows".to_string(),
            };
            svg::render(&drawing, "flow", &title)
        }
        GraphFormat::Json => {
            let mut text = serde_json::to_string_pretty(&drawing)
                .map_err(|e| miette!(code = "reclint::internal", "{e}"))?;
            text.push('\n');
            text
        }
    })
}

/// The name of the entry point whose first step is written at `place`.
fn entry_at(pictures: &[FlowPicture], place: &(String, u32)) -> Option<String> {
    pictures.iter().find_map(|picture| {
        picture.entries.iter().find_map(|entry| {
            let step = picture.steps.get(entry.step as usize)?;
            (step.place.path == place.0 && step.place.start == place.1).then(|| entry.name.clone())
        })
    })
}

/// An `--entry` no entry point answers to is a usage error naming them.
fn known_entry(pictures: &[FlowPicture], wanted: &str) -> miette::Result<()> {
    let mut names: Vec<&str> = Vec::new();
    for picture in pictures {
        for entry in &picture.entries {
            names.push(&entry.name);
            if let Some(step) = picture.steps.get(entry.step as usize) {
                names.extend(
                    picture
                        .regions
                        .get(step.region as usize)
                        .map(String::as_str),
                );
            }
        }
    }
    if names.contains(&wanted) {
        return Ok(());
    }
    names.sort_unstable();
    names.dedup();
    let suggestion = crate::suggest::closest(wanted, names.iter().copied())
        .map(|s| format!("did you mean `{s}`? "))
        .unwrap_or_default();
    let shown: Vec<&str> = names.iter().take(20).copied().collect();
    Err(miette!(
        code = "reclint::usage",
        help = format!("{suggestion}entry points: {}", shown.join(", ")),
        "no entry point is named `{wanted}`"
    ))
}
