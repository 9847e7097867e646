//! `--format json`, version 1.

use serde::Serialize;

use crate::catalog::Catalog;
use crate::finding::{Outcome, Reported, Severity};
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
    let jobs = jobs.max(1);
    for (batch, findings) in reported.chunks(CHUNK * jobs).enumerate() {
        let chunks: Vec<(usize, &[Reported])> = findings
            .chunks(CHUNK)
            .enumerate()
            .map(|(i, chunk)| (batch * CHUNK * jobs + i * CHUNK, chunk))
            .collect();
        for text in parallel::map(chunks, jobs, |(first, chunk)| {
            serialise_chunk(first, chunk, sources, catalog)
        }) {
            out.write_all(&text?)?;
        }
    }
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
        let mut serializer = serde_json::Serializer::with_formatter(&mut out, Nested::items());
        json_finding(r, sources, catalog)
            .serialize(&mut serializer)
            .map_err(std::io::Error::from)?;
    }
    Ok(out)
}

/// `serde_json`'s pretty printer (two spaces a level) for a value that
/// starts two levels deep, as an item of the document's `findings` list:
/// written in place, where printing it alone and indenting each of its
/// lines took a second pass over the report.
struct Nested {
    current_indent: usize,
    has_value: bool,
}

impl Nested {
    fn items() -> Nested {
        Nested {
            current_indent: 2,
            has_value: false,
        }
    }

    fn indent<W: ?Sized + std::io::Write>(&self, writer: &mut W) -> std::io::Result<()> {
        const SPACES: &[u8] = b"                                ";
        let mut width = 2 * self.current_indent;
        while width > 0 {
            let part = width.min(SPACES.len());
            writer.write_all(&SPACES[..part])?;
            width -= part;
        }
        Ok(())
    }
}

impl Nested {
    /// `[` or `{`: one level deeper, nothing in it yet.
    fn open<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.current_indent += 1;
        self.has_value = false;
        writer.write_all(bracket)
    }

    /// `]` or `}`: on a line of its own when the list or object holds anything.
    fn close<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.current_indent -= 1;
        if self.has_value {
            writer.write_all(b"\n")?;
            self.indent(writer)?;
        }
        writer.write_all(bracket)
    }

    /// Before an item or a key: a new line, after a comma unless it is the first.
    fn next_item<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        writer.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(writer)
    }
}

/// The methods `serde_json::ser::PrettyFormatter` implements, the same way.
impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.open(writer, b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.close(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.next_item(writer, first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.open(writer, b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.close(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.next_item(writer, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
    ) -> std::io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
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
    use crate::finding::{Finding, Label};
    use crate::source::{SourceFile, Span};

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
            let findings = (0..count)
                .map(|i| {
                    let span = Span::new(file, i * 31, i * 31 + 10);
                    let mut f = Finding::new("REC001", Label::new(span, "here"), "line \"one\"\n");
                    f.related.push(Label::new(span, format!("related {i}")));
                    f
                })
                .collect();
            let outcome = Outcome {
                reported: crate::report::finish(findings, &sources, &catalog, |_| None),
                files: 1,
            };
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
                    suppressed: 0,
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
