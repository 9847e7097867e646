//! `reclint graph --format dot`: Graphviz, one cluster per context or flow.

use std::fmt::Write;

use super::{Answer, Drawing, StepStyle};

pub fn render(drawing: &Drawing) -> String {
    let mut out = String::from(
        "digraph reclint {\n  graph [rankdir=TB, fontname=\"Helvetica\", fontsize=10];\n  node [fontname=\"Helvetica\", fontsize=10, shape=box];\n  edge [fontname=\"Helvetica\", fontsize=9];\n",
    );
    let (grouped, loose) = drawing.by_group();
    for (g, nodes) in grouped.iter().enumerate() {
        let _ = writeln!(
            out,
            "  subgraph cluster_{g} {{\n    label=\"{}\";\n    style=rounded;",
            quote(&format!("[{}]", drawing.groups[g]))
        );
        for &n in nodes {
            node(&mut out, drawing, n, "    ");
        }
        out.push_str("  }\n");
    }
    for n in loose {
        node(&mut out, drawing, n, "  ");
    }
    for edge in &drawing.edges {
        let mut attributes = Vec::new();
        if let Some(text) = edge.text() {
            attributes.push(format!("label=\"{}\"", quote(&text)));
        }
        match edge.answer {
            Some(Answer::No) => attributes.push("style=dashed".to_string()),
            Some(Answer::Otherwise) => attributes.push("style=dotted".to_string()),
            _ if edge.call => attributes.push("style=dashed".to_string()),
            _ => {}
        }
        if edge.witness {
            attributes.push("penwidth=3, color=\"#b00020\"".to_string());
        }
        let _ = write!(
            out,
            "  {} -> {}",
            drawing.nodes[edge.from].id, drawing.nodes[edge.to].id
        );
        if !attributes.is_empty() {
            let _ = write!(out, " [{}]", attributes.join(", "));
        }
        out.push_str(";\n");
    }
    out.push_str("}\n");
    out
}

fn node(out: &mut String, drawing: &Drawing, index: usize, indent: &str) {
    let node = &drawing.nodes[index];
    let mut attributes = vec![
        format!("label=\"{}\"", quote(&node.text())),
        format!("shape={}", shape(node.style)),
    ];
    match node.style {
        StepStyle::Call => attributes.push("peripheries=2".to_string()),
        StepStyle::Cut => attributes.push("style=dashed".to_string()),
        StepStyle::RecordingStart | StepStyle::RecordingStop => {
            attributes.push("style=\"filled,bold\", fillcolor=\"#fde2e2\"".to_string())
        }
        StepStyle::Notice | StepStyle::ConsentQuestion => {
            attributes.push("style=filled, fillcolor=\"#e2f0fd\"".to_string())
        }
        _ => {}
    }
    if node.witness.is_some() {
        attributes.push("penwidth=3, color=\"#b00020\"".to_string());
    }
    let _ = writeln!(out, "{indent}{} [{}];", node.id, attributes.join(", "));
}

/// The Graphviz shape of a style: shapes, not colours, tell steps apart.
fn shape(style: StepStyle) -> &'static str {
    match style {
        StepStyle::Entry => "invhouse",
        StepStyle::RecordingStart => "cylinder",
        StepStyle::RecordingStop => "invtrapezium",
        StepStyle::Notice => "note",
        StepStyle::ConsentQuestion => "hexagon",
        StepStyle::Prompt => "box",
        StepStyle::Input => "parallelogram",
        StepStyle::Branch => "diamond",
        StepStyle::Connection => "box3d",
        StepStyle::Hangup => "octagon",
        StepStyle::Analytics => "tab",
        StepStyle::Payment => "folder",
        StepStyle::Call | StepStyle::Other | StepStyle::Cut => "box",
    }
}

/// Text inside a DOT double-quoted string.
fn quote(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}
