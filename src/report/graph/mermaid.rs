//! `reclint graph --format mermaid`: a Mermaid flowchart, one subgraph per
//! context or flow.

use std::fmt::Write;

use super::{Answer, Drawing, StepStyle};

pub fn render(drawing: &Drawing) -> String {
    let mut out = String::from("flowchart TD\n");
    let (grouped, loose) = drawing.by_group();
    for (g, nodes) in grouped.iter().enumerate() {
        let _ = writeln!(
            out,
            "  subgraph grp{g}[\"{}\"]",
            text(&format!("[{}]", drawing.groups[g]))
        );
        for &n in nodes {
            node(&mut out, drawing, n, "    ");
        }
        out.push_str("  end\n");
    }
    for n in loose {
        node(&mut out, drawing, n, "  ");
    }
    let mut witness_links = Vec::new();
    for (i, edge) in drawing.edges.iter().enumerate() {
        let arrow = match edge.answer {
            Some(Answer::No | Answer::Otherwise) => "-.->",
            _ if edge.call => "-.->",
            _ if edge.witness => "==>",
            _ => "-->",
        };
        let (from, to) = (&drawing.nodes[edge.from].id, &drawing.nodes[edge.to].id);
        match edge.text() {
            Some(label) => {
                let _ = writeln!(out, "  {from} {arrow}|\"{}\"| {to}", text(&label));
            }
            None => {
                let _ = writeln!(out, "  {from} {arrow} {to}");
            }
        }
        if edge.witness {
            witness_links.push(i.to_string());
        }
    }
    let witness: Vec<&str> = drawing
        .nodes
        .iter()
        .filter(|n| n.witness.is_some())
        .map(|n| n.id.as_str())
        .collect();
    if !witness.is_empty() {
        out.push_str("  classDef witness stroke:#b00020,stroke-width:4px\n");
        let _ = writeln!(out, "  class {} witness", witness.join(","));
    }
    if !witness_links.is_empty() {
        let _ = writeln!(
            out,
            "  linkStyle {} stroke:#b00020,stroke-width:4px",
            witness_links.join(",")
        );
    }
    out
}

fn node(out: &mut String, drawing: &Drawing, index: usize, indent: &str) {
    let node = &drawing.nodes[index];
    let (open, close) = shape(node.style);
    let _ = writeln!(
        out,
        "{indent}{}{open}\"{}\"{close}",
        node.id,
        text(&node.text())
    );
}

/// The Mermaid shape of a style: shapes, not colours, tell steps apart.
fn shape(style: StepStyle) -> (&'static str, &'static str) {
    match style {
        StepStyle::Entry => ("([", "])"),
        StepStyle::RecordingStart => ("[(", ")]"),
        StepStyle::RecordingStop => ("[/", "\\]"),
        StepStyle::Notice => (">", "]"),
        StepStyle::ConsentQuestion => ("{{", "}}"),
        StepStyle::Prompt => ("(", ")"),
        StepStyle::Input => ("[/", "/]"),
        StepStyle::Branch => ("{", "}"),
        StepStyle::Connection => ("[\\", "\\]"),
        StepStyle::Hangup => ("((", "))"),
        StepStyle::Call => ("[[", "]]"),
        StepStyle::Analytics | StepStyle::Payment | StepStyle::Other | StepStyle::Cut => ("[", "]"),
    }
}

/// Text inside a Mermaid quoted label: the characters Mermaid reads as
/// syntax or markup become its entity codes.
fn text(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    for c in label.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '`' => out.push_str("#96;"),
            '|' => out.push_str("#124;"),
            _ => out.push(c),
        }
    }
    out
}
