//! `--format json`, version 1.

use serde::Serialize;

use crate::catalog::Catalog;
use crate::finding::{Outcome, Reported, Severity};
use crate::json_string::write_string;
use crate::parallel;
use crate::source::SourceMap;

/// The report around its findings: written with an empty `findings` list,
/// into which the findings are spliced as they are serialised.
#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    findings: &'a [JsonFinding<'a>],
    summary: Summary,
}

const EMPTY_FINDINGS: &str = "\"findings\": []";

/// Findings serialised per chunk. A large tree's report is larger than the
/// tree, and serialising it on one thread, after the analysis, took a tenth
/// of the run: chunks are serialised in parallel, a few batches at a time so
/// that the report is never held whole, and written in order.
const CHUNK: usize = 128;

/// About the size of one printed finding: 161 MB for the 66,871 findings
/// of the 20,000-file benchmark tree, 2.4 KB each.
const FINDING_BYTES: usize = 2560;

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    name: &'a str,
    severity: Severity,
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
    help: &'a str,
    fingerprint: &'a str,
    suppressed: bool,
    suppression: Option<JsonSuppression<'a>>,
    related: Vec<Related<'a>>,
    trace: Vec<Trace<'a>>,
}

#[derive(Serialize)]
struct JsonSuppression<'a> {
    kind: &'static str,
    reason: &'a str,
}

#[derive(Serialize)]
struct Related<'a> {
    path: &'a str,
    line: usize,
    column: usize,
    message: &'a str,
}

#[derive(Serialize)]
struct Trace<'a> {
    path: &'a str,
    line: usize,
    step: &'a str,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    findings: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
    suppressed: usize,
}

/// The report as text.
pub fn render(outcome: &Outcome, sources: &SourceMap, catalog: &Catalog) -> String {
    let mut out = Vec::new();
    write(outcome, sources, catalog, 1, &mut out).expect("writing to memory does not fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Writes the report to `out` as it is serialised, without holding it, the
/// findings serialised on up to `jobs` threads. The text is the same for
/// every `jobs`: that of `serde_json`'s pretty printer for the whole document.
pub fn write(
    outcome: &Outcome,
    sources: &SourceMap,
    catalog: &Catalog,
    jobs: usize,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let document = Document {
        version: 1,
        tool: Tool {
            name: "reclint",
            version: env!("CARGO_PKG_VERSION"),
        },
        findings: &[],
        summary: Summary {
            files: outcome.files,
            findings: outcome.active().count(),
            errors: outcome.count(Severity::Error),
            warnings: outcome.count(Severity::Warning),
            infos: outcome.count(Severity::Info),
            suppressed: outcome.suppressed(),
        },
    };
    let frame = serde_json::to_string_pretty(&document).map_err(std::io::Error::from)?;
    let (head, tail) = frame
        .split_once(EMPTY_FINDINGS)
        .expect("the document's one `findings` key holds an empty list");
    out.write_all(head.as_bytes())?;
    out.write_all(b"\"findings\": [")?;
    let reported = &outcome.reported;
    let chunks: Vec<(usize, &[Reported])> = reported
        .chunks(CHUNK)
        .enumerate()
        .map(|(i, chunk)| (i * CHUNK, chunk))
        .collect();
    // Each chunk is written while later ones are serialised, a few ahead.
    let mut written = Ok(());
    parallel::for_each_in_order(
        chunks,
        jobs,
        4 * jobs,
        |(first, chunk)| serialise_chunk(first, chunk, sources, catalog),
        |text| {
            if written.is_ok() {
                written = text.and_then(|text| out.write_all(&text));
            }
        },
    );
    written?;
    if !reported.is_empty() {
        out.write_all(b"\n  ")?;
    }
    out.write_all(b"]")?;
    out.write_all(tail.as_bytes())?;
    out.write_all(b"\n")
}

/// Findings as items of the pretty-printed `findings` list (two levels
/// deep), the one at index `first` of the report first.
fn serialise_chunk(
    first: usize,
    chunk: &[Reported],
    sources: &SourceMap,
    catalog: &Catalog,
) -> std::io::Result<Vec<u8>> {
    // Room for the whole chunk spares growing the buffer a dozen times.
    let mut out = Vec::with_capacity(chunk.len() * FINDING_BYTES);
    for (i, r) in chunk.iter().enumerate() {
        out.extend_from_slice(if first + i == 0 {
            b"\n    "
        } else {
            b",\n    "
        });
        write_finding(&mut out, &json_finding(r, sources, catalog));
    }
    Ok(out)
}

/// A finding as `serde_json`'s pretty printer writes it as an item of the
/// document's `findings` list (two spaces a level, the item two levels
/// deep). Printed by hand: the report is larger than the tree, and going
/// through `serde` cost a tenth of the run, most of it in escaping strings
/// a byte at a time.
fn write_finding(out: &mut Vec<u8>, f: &JsonFinding) {
    const FIELD: &[u8] = b"\n      ";
    const ITEM: &[u8] = b"\n        ";
    const ITEM_FIELD: &[u8] = b"\n          ";
    let key = |out: &mut Vec<u8>, indent: &[u8], name: &str, first: bool| {
        if !first {
            out.push(b',');
        }
        out.extend_from_slice(indent);
        out.push(b'"');
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b"\": ");
    };
    let text = |out: &mut Vec<u8>, indent: &[u8], name: &str, value: &str| {
        key(out, indent, name, false);
        write_string(out, value);
    };
    let number = |out: &mut Vec<u8>, indent: &[u8], name: &str, value: usize| {
        key(out, indent, name, false);
        write_number(out, value);
    };
    // A list of objects, each written by `fields` after its first key.
    fn list<T>(out: &mut Vec<u8>, items: &[T], mut fields: impl FnMut(&mut Vec<u8>, &T)) {
        if items.is_empty() {
            out.extend_from_slice(b"[]");
            return;
        }
        out.push(b'[');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(ITEM);
            out.push(b'{');
            fields(out, item);
            out.extend_from_slice(ITEM);
            out.push(b'}');
        }
        out.extend_from_slice(FIELD);
        out.push(b']');
    }

    out.push(b'{');
    key(out, FIELD, "rule", true);
    write_string(out, f.rule);
    text(out, FIELD, "name", f.name);
    text(out, FIELD, "severity", f.severity.as_str());
    text(out, FIELD, "path", f.path);
    number(out, FIELD, "line", f.line);
    number(out, FIELD, "column", f.column);
    number(out, FIELD, "end_line", f.end_line);
    number(out, FIELD, "end_column", f.end_column);
    text(out, FIELD, "message", f.message);
    text(out, FIELD, "help", f.help);
    text(out, FIELD, "fingerprint", f.fingerprint);
    key(out, FIELD, "suppressed", false);
    out.extend_from_slice(if f.suppressed { b"true" } else { b"false" });
    key(out, FIELD, "suppression", false);
    match &f.suppression {
        None => out.extend_from_slice(b"null"),
        Some(s) => {
            out.push(b'{');
            key(out, ITEM, "kind", true);
            write_string(out, s.kind);
            text(out, ITEM, "reason", s.reason);
            out.extend_from_slice(FIELD);
            out.push(b'}');
        }
    }
    // A related place and a trace step both start with where they are.
    let at = |out: &mut Vec<u8>, path: &str, line: usize| {
        key(out, ITEM_FIELD, "path", true);
        write_string(out, path);
        number(out, ITEM_FIELD, "line", line);
    };
    key(out, FIELD, "related", false);
    list(out, &f.related, |out, r| {
        at(out, r.path, r.line);
        number(out, ITEM_FIELD, "column", r.column);
        text(out, ITEM_FIELD, "message", r.message);
    });
    key(out, FIELD, "trace", false);
    list(out, &f.trace, |out, t| {
        at(out, t.path, t.line);
        text(out, ITEM_FIELD, "step", t.step);
    });
    out.extend_from_slice(b"\n    }");
}

/// `value` in decimal, without the allocation `to_string` makes.
fn write_number(out: &mut Vec<u8>, mut value: usize) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[start..]);
}

fn json_finding<'a>(
    r: &'a Reported,
    sources: &'a SourceMap,
    catalog: &'a Catalog,
) -> JsonFinding<'a> {
    let rule = catalog.get(r.finding.rule);
    JsonFinding {
        rule: r.finding.rule,
        name: &rule.name,
        severity: r.severity,
        path: &r.path,
        line: r.start.line,
        column: r.start.column,
        end_line: r.end.line,
        end_column: r.end.column,
        message: &r.finding.message,
        help: r.finding.help.as_deref().unwrap_or(&rule.help),
        fingerprint: &r.fingerprint,
        suppressed: r.suppression.is_some(),
        suppression: r.suppression.as_ref().map(|s| JsonSuppression {
            kind: s.kind.as_str(),
            reason: &s.reason,
        }),
        related: r
            .finding
            .related
            .iter()
            .map(|label| {
                let file = sources.get(label.span.file);
                let at = file.line_col(label.span.start);
                Related {
                    path: &file.display,
                    line: at.line,
                    column: at.column,
                    message: &label.message,
                }
            })
            .collect(),
        trace: r
            .finding
            .trace
            .iter()
            .map(|step| {
                let file = sources.get(step.span.file);
                Trace {
                    path: &file.display,
                    line: file.line_col(step.span.start).line,
                    step: &step.text,
                }
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Finding, Label, Suppression, SuppressionKind, TraceStep};
    use crate::source::{SourceFile, Span};

    #[test]
    fn numbers_are_written_in_decimal() {
        for n in [0, 7, 10, 1_234_567_890, usize::MAX] {
            let mut out = Vec::new();
            write_number(&mut out, n);
            assert_eq!(String::from_utf8(out).unwrap(), n.to_string());
        }
    }

    /// The findings spliced chunk by chunk into the frame are the document
    /// `serde_json` prints whole, for every number of threads and around
    /// chunk boundaries.
    #[test]
    fn the_spliced_report_is_the_whole_document_printed() {
        let mut sources = SourceMap::default();
        let text = "exten => s,1,MixMonitor(x.wav)\n".repeat(400);
        let file = sources.add(SourceFile::new("e.conf".into(), "e.conf".into(), text));
        let catalog = Catalog::builtin(&crate::frontend::format_names()).expect("rules load");
        for count in [0, 1, CHUNK, CHUNK + 1, 3 * CHUNK + 7] {
            let findings: Vec<Finding> = (0..count)
                .map(|i| {
                    let span = Span::new(file, i * 31, i * 31 + 10);
                    // Every kind of character an escape is written for, at
                    // every position in an eight-byte word, and the
                    // characters that are written as they are.
                    let message = "x".repeat(i % 8)
                        + "line \"one\"\n\t\r\u{8}\u{c}\u{1}\u{1f}\\ / ø \u{7f} € "
                        + &i.to_string();
                    let mut f = Finding::new("REC001", Label::new(span, "here"), message);
                    f.related.push(Label::new(span, format!("related {i}")));
                    if i % 3 == 0 {
                        f.related.push(Label::new(span, "another \"one\""));
                        let step = |text: &str| TraceStep {
                            span,
                            region: "[ctx]".into(),
                            text: text.into(),
                        };
                        f.trace = vec![step("Answer()"), step("MixMonitor(${X}\\y.wav)")];
                    }
                    f
                })
                .collect();
            let mut outcome = Outcome {
                reported: crate::report::finish(
                    crate::report::place(findings, &sources, &catalog, &|_| None).collect(),
                    &sources,
                    1,
                ),
                files: 1,
            };
            for (i, r) in outcome.reported.iter_mut().enumerate() {
                if i % 4 == 1 {
                    r.suppression = Some(Suppression {
                        kind: SuppressionKind::Inline,
                        reason: format!("reviewed\t\"{i}\""),
                        span: None,
                        expires: None,
                    });
                }
            }
            let all: Vec<JsonFinding> = outcome
                .reported
                .iter()
                .map(|r| json_finding(r, &sources, &catalog))
                .collect();
            let whole = Document {
                version: 1,
                tool: Tool {
                    name: "reclint",
                    version: env!("CARGO_PKG_VERSION"),
                },
                findings: &all,
                summary: Summary {
                    files: 1,
                    findings: outcome.active().count(),
                    errors: outcome.count(Severity::Error),
                    warnings: outcome.count(Severity::Warning),
                    infos: 0,
                    suppressed: outcome.suppressed(),
                },
            };
            let expected = serde_json::to_string_pretty(&whole).expect("serialises") + "\n";
            for jobs in [1, 2, 3] {
                let mut out = Vec::new();
                write(&outcome, &sources, &catalog, jobs, &mut out).expect("writes to memory");
                assert_eq!(
                    String::from_utf8(out).unwrap(),
                    expected,
                    "{count} findings, {jobs} jobs"
                );
            }
        }
    }
}
