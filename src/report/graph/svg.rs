//! `reclint graph --format svg` and the HTML report's pictures: a drawing
//! laid out in Rust (`layout`), so no external program is needed. Shapes
//! and words carry the meaning; colour only repeats it.

use std::fmt::Write;

use super::layout::{Rect, layout};
use super::{Answer, Drawing, StepStyle};

/// Width of a character of the 12px sans-serif labels, on average.
const CHAR_WIDTH: f64 = 6.8;
const NODE_HEIGHT: f64 = 34.0;
const PADDING: f64 = 24.0;
const WITNESS: &str = "#b00020";

/// An `<svg>` element; `id` makes its marker and title ids unique in a
/// page that holds several pictures. `title` is read out by screen
/// readers.
pub fn render(drawing: &Drawing, id: &str, title: &str) -> String {
    let texts: Vec<String> = drawing.nodes.iter().map(|n| n.text()).collect();
    let sizes: Vec<(f64, f64)> = drawing
        .nodes
        .iter()
        .zip(&texts)
        .map(|(node, text)| {
            let extra = match node.style {
                // Text fits inside a diamond or hexagon only when it is wider.
                StepStyle::Branch => 2.0 * PADDING,
                StepStyle::ConsentQuestion | StepStyle::Input => PADDING,
                _ => 0.0,
            };
            (
                text.chars().count() as f64 * CHAR_WIDTH + PADDING + extra,
                NODE_HEIGHT,
            )
        })
        .collect();
    let edges: Vec<(usize, usize)> = drawing.edges.iter().map(|e| (e.from, e.to)).collect();
    let laid = layout(&sizes, &edges);
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"flow\" viewBox=\"0 0 {w:.0} {h:.0}\" width=\"{w:.0}\" height=\"{h:.0}\" role=\"img\" aria-labelledby=\"{id}-title\" font-family=\"sans-serif\" font-size=\"12\">\
         <title id=\"{id}-title\">{}</title>\
         <defs>{}{}</defs>",
        escape(title),
        marker(&format!("{id}-arrow"), "#555"),
        marker(&format!("{id}-witness"), WITNESS),
        w = laid.width,
        h = laid.height,
    );
    out.push('\n');
    let mut out_of = vec![0usize; drawing.nodes.len()];
    for (edge, points) in drawing.edges.iter().zip(&laid.edges) {
        let dash = match edge.answer {
            Some(Answer::No) => " stroke-dasharray=\"7 4\"",
            Some(Answer::Otherwise) => " stroke-dasharray=\"2 3\"",
            _ if edge.call => " stroke-dasharray=\"7 4\"",
            _ => "",
        };
        let (stroke, width, arrow) = if edge.witness {
            (WITNESS, 3.0, "witness")
        } else {
            ("#555", 1.2, "arrow")
        };
        let list: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{x:.1},{y:.1}"))
            .collect();
        let _ = writeln!(
            out,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"{width}\"{dash} marker-end=\"url(#{id}-{arrow})\"/>",
            list.join(" ")
        );
        // Along the last leg, where edges out of one step have fanned
        // apart; the labels of a step's edges at staggered heights.
        let sibling = out_of[edge.from];
        out_of[edge.from] += 1;
        if let (Some(text), [.., (x1, y1), (x2, y2)]) = (edge.text(), points.as_slice()) {
            let along = 0.3 + 0.25 * (sibling % 3) as f64;
            let _ = writeln!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\" stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\">{}</text>",
                x1 + (x2 - x1) * along,
                y1 + (y2 - y1) * along,
                escape(&text)
            );
        }
    }
    for ((node, text), rect) in drawing.nodes.iter().zip(&texts).zip(&laid.nodes) {
        let witness = node.witness.is_some();
        let (stroke, width) = if witness {
            (WITNESS, 3.5)
        } else {
            ("#222", 1.2)
        };
        let fill = match node.style {
            StepStyle::RecordingStart | StepStyle::RecordingStop => "#fde2e2",
            StepStyle::Notice | StepStyle::ConsentQuestion => "#e2f0fd",
            _ => "#fff",
        };
        let dash = if node.style == StepStyle::Cut {
            " stroke-dasharray=\"5 3\""
        } else {
            ""
        };
        let _ = write!(out, "<g><title>{}</title>", escape(&tooltip(node, text)));
        let paint = format!("fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{width}\"{dash}");
        shape(&mut out, node.style, rect, &paint);
        let weight = if witness { " font-weight=\"bold\"" } else { "" };
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" dominant-baseline=\"central\"{weight}>{}</text></g>",
            rect.centre_x(),
            rect.y + rect.h / 2.0,
            escape(text)
        );
    }
    group_names(&mut out, drawing, &laid.nodes);
    out.push_str("</svg>\n");
    out
}

/// Each context or flow named above the first of its steps drawn (the
/// entry points name theirs).
fn group_names(out: &mut String, drawing: &Drawing, rects: &[Rect]) {
    let mut named = vec![false; drawing.groups.len()];
    for (node, rect) in drawing.nodes.iter().zip(rects) {
        let Some(group) = node.group.filter(|_| node.style != StepStyle::Entry) else {
            continue;
        };
        if !std::mem::replace(&mut named[group], true) {
            let _ = writeln!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" font-style=\"italic\">[{}]</text>",
                rect.x,
                rect.y - 5.0,
                escape(&drawing.groups[group])
            );
        }
    }
}

fn marker(id: &str, colour: &str) -> String {
    format!(
        "<marker id=\"{id}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{colour}\"/></marker>"
    )
}

/// A node's hover text: its label, where it is written, its purposes.
fn tooltip(node: &super::DrawnNode, text: &str) -> String {
    let mut tip = text.to_string();
    if let Some(place) = &node.place {
        let _ = write!(tip, " ({}:{})", place.path, place.line);
    }
    if !node.purposes.is_empty() {
        let _ = write!(tip, "; purposes: {}", node.purposes.join(", "));
    }
    tip
}

/// The outline of a step: its shape says what it is.
fn shape(out: &mut String, style: StepStyle, r: &Rect, paint: &str) {
    let (x, y, w, h) = (r.x, r.y, r.w, r.h);
    let polygon = |out: &mut String, points: &[(f64, f64)]| {
        let list: Vec<String> = points
            .iter()
            .map(|(px, py)| format!("{px:.1},{py:.1}"))
            .collect();
        let _ = write!(out, "<polygon points=\"{}\" {paint}/>", list.join(" "));
    };
    match style {
        StepStyle::Entry => polygon(
            out,
            &[
                (x, y),
                (x + w, y),
                (x + w, y + h * 0.7),
                (x + w / 2.0, y + h),
                (x, y + h * 0.7),
            ],
        ),
        StepStyle::RecordingStart => {
            let ry = 5.0;
            let _ = write!(
                out,
                "<path d=\"M{x:.1},{t:.1} a{rx:.1},{ry} 0 0,0 {w:.1},0 a{rx:.1},{ry} 0 0,0 -{w:.1},0 v{body:.1} a{rx:.1},{ry} 0 0,0 {w:.1},0 v-{body:.1}\" {paint}/>",
                t = y + ry,
                rx = w / 2.0,
                body = h - 2.0 * ry,
            );
        }
        StepStyle::RecordingStop => polygon(
            out,
            &[(x, y), (x + w, y), (x + w - 12.0, y + h), (x + 12.0, y + h)],
        ),
        StepStyle::Notice => polygon(
            out,
            &[
                (x, y),
                (x + w - 10.0, y),
                (x + w, y + 10.0),
                (x + w, y + h),
                (x, y + h),
            ],
        ),
        StepStyle::ConsentQuestion => polygon(
            out,
            &[
                (x + 12.0, y),
                (x + w - 12.0, y),
                (x + w, y + h / 2.0),
                (x + w - 12.0, y + h),
                (x + 12.0, y + h),
                (x, y + h / 2.0),
            ],
        ),
        StepStyle::Input => polygon(
            out,
            &[(x + 12.0, y), (x + w, y), (x + w - 12.0, y + h), (x, y + h)],
        ),
        StepStyle::Branch => polygon(
            out,
            &[
                (x + w / 2.0, y),
                (x + w, y + h / 2.0),
                (x + w / 2.0, y + h),
                (x, y + h / 2.0),
            ],
        ),
        StepStyle::Hangup => {
            let c = 8.0;
            polygon(
                out,
                &[
                    (x + c, y),
                    (x + w - c, y),
                    (x + w, y + c),
                    (x + w, y + h - c),
                    (x + w - c, y + h),
                    (x + c, y + h),
                    (x, y + h - c),
                    (x, y + c),
                ],
            );
        }
        StepStyle::Connection => {
            // A box with depth.
            let _ = write!(
                out,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" {paint}/>",
                x + 4.0,
                y - 4.0
            );
            let _ = write!(
                out,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" {paint}/>"
            );
        }
        StepStyle::Call => {
            let _ = write!(
                out,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" {paint}/><path d=\"M{a:.1},{y:.1} v{h:.1} M{b:.1},{y:.1} v{h:.1}\" {paint}/>",
                a = x + 6.0,
                b = x + w - 6.0,
            );
        }
        StepStyle::Prompt => {
            let _ = write!(
                out,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" rx=\"12\" {paint}/>"
            );
        }
        StepStyle::Analytics | StepStyle::Payment | StepStyle::Other | StepStyle::Cut => {
            let _ = write!(
                out,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" {paint}/>"
            );
        }
    }
}

/// Text for XML content and attributes, with control and bidi characters
/// made visible placeholders (`display_safe`).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in crate::source::display_safe(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}
