//! The layering invariants of ARCHITECTURE.md, checked on the source: which
//! top-level modules of `src/` each module names (`crate::x`), outside its
//! `#[cfg(test)]` part.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Top-level module → the top-level modules its non-test code names.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().and_then(|e| e.to_str()) != Some("rs") {
                continue;
            }
            let relative = path.strip_prefix(&src).expect("under src");
            let first = relative
                .components()
                .next()
                .and_then(|c| c.as_os_str().to_str())
                .expect("a file name");
            let module = first.trim_end_matches(".rs").to_string();
            let text = std::fs::read_to_string(&path).expect("source is readable");
            // Tests may use anything; only what ships is layered.
            let shipped = text.split("#[cfg(test)]").next().unwrap_or("");
            let named = graph.entry(module.clone()).or_default();
            for (i, _) in shipped.match_indices("crate::") {
                let rest = &shipped[i + "crate::".len()..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && name != module {
                    named.insert(name);
                }
            }
        }
    }
    graph
}

fn violations(
    graph: &BTreeMap<String, BTreeSet<String>>,
    modules: &[&str],
    forbidden: &[&str],
) -> Vec<String> {
    modules
        .iter()
        .filter_map(|m| graph.get(*m).map(|named| (m, named)))
        .flat_map(|(m, named)| {
            named
                .iter()
                .filter(|n| forbidden.contains(&n.as_str()))
                .map(move |n| format!("{m} -> {n}"))
        })
        .collect()
}

/// Everything above the model: what may never be imported from below.
fn above_the_model() -> Vec<&'static str> {
    let mut above = vec!["config", "discover", "parse", "frontend", "directives"];
    above.extend(ABOVE_THE_FRONT_ENDS);
    above
}

#[test]
fn the_ground_floor_and_the_model_import_nothing_above_them() {
    let graph = imports();
    let ground = [
        "source",
        "glob",
        "date",
        "parallel",
        "files",
        "suggest",
        "hash",
        "json_string",
    ];
    let model = ["flow", "storage", "finding", "catalog"];
    let mut upward = violations(&graph, &ground, &model);
    upward.extend(violations(&graph, &ground, &above_the_model()));
    upward.extend(violations(&graph, &model, &above_the_model()));
    assert!(upward.is_empty(), "upward imports: {upward:?}");
}

/// Everything above the front ends.
const ABOVE_THE_FRONT_ENDS: &[&str] = &[
    "workspace",
    "analysis",
    "rules",
    "custom",
    "suppress",
    "report",
    "check",
    "evidence",
    "graph",
    "fix",
    "server",
    "init",
    "testing",
    "explain",
    "show_config",
    "cli",
];

#[test]
fn front_ends_never_import_analysis_rules_suppressions_or_reports() {
    let graph = imports();
    let front_ends = ["discover", "parse", "frontend"];
    let mut upward = violations(&graph, &front_ends, ABOVE_THE_FRONT_ENDS);
    // Lowering reads what the configuration says it needs, as plain data.
    upward.extend(violations(&graph, &["frontend"], &["config"]));
    assert!(upward.is_empty(), "upward imports: {upward:?}");
}

#[test]
fn analysis_knows_no_format_and_reports_know_no_analysis() {
    let graph = imports();
    let mut upward = violations(
        &graph,
        &["analysis"],
        &[
            "discover",
            "parse",
            "frontend",
            "workspace",
            "rules",
            "custom",
            "report",
            "check",
        ],
    );
    upward.extend(violations(
        &graph,
        &["report"],
        &[
            "analysis",
            "rules",
            "custom",
            "parse",
            "frontend",
            "workspace",
            "discover",
            "check",
        ],
    ));
    // Configuration is data: it reads the catalogue, never the rules.
    let mut forbidden = vec!["discover", "parse", "frontend"];
    forbidden.extend(ABOVE_THE_FRONT_ENDS);
    upward.extend(violations(&graph, &["config"], &forbidden));
    assert!(upward.is_empty(), "upward imports: {upward:?}");
}

#[test]
fn the_import_graph_has_no_cycle() {
    let graph = imports();
    // Depth-first search with colours; a grey node reached again is a cycle.
    fn visit<'a>(
        node: &'a str,
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        colour: &mut BTreeMap<&'a str, u8>,
        path: &mut Vec<&'a str>,
    ) -> Option<Vec<String>> {
        match colour.get(node) {
            Some(2) => return None,
            Some(1) => {
                let start = path.iter().position(|n| *n == node).unwrap_or(0);
                let mut cycle: Vec<String> = path[start..].iter().map(|n| n.to_string()).collect();
                cycle.push(node.to_string());
                return Some(cycle);
            }
            _ => {}
        }
        colour.insert(node, 1);
        path.push(node);
        for next in graph.get(node).into_iter().flatten() {
            if graph.contains_key(next)
                && let Some(cycle) = visit(next, graph, colour, path)
            {
                return Some(cycle);
            }
        }
        path.pop();
        colour.insert(node, 2);
        None
    }
    let mut colour = BTreeMap::new();
    for node in graph.keys() {
        let mut path = Vec::new();
        if let Some(cycle) = visit(node, &graph, &mut colour, &mut path) {
            panic!("import cycle: {}", cycle.join(" -> "));
        }
    }
}

/// A platform is one folder: no front end reaches into another's.
#[test]
fn no_front_end_imports_another() {
    let frontends = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/frontend");
    let platforms: Vec<String> = std::fs::read_dir(&frontends)
        .expect("src/frontend is readable")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(platforms.len() >= 5, "{platforms:?}");
    let mut crossings = Vec::new();
    for platform in &platforms {
        for (path, shipped) in shipped_sources(&frontends.join(platform)) {
            for other in platforms.iter().filter(|o| *o != platform) {
                if shipped.contains(&format!("crate::frontend::{other}")) {
                    crossings.push(format!("{} -> {other}", path.display()));
                }
            }
        }
    }
    assert!(
        crossings.is_empty(),
        "front ends import each other: {crossings:?}"
    );
}

/// Front ends read through the virtual file layer (`crate::files`): no IO
/// of their own.
#[test]
fn front_ends_do_no_io_of_their_own() {
    let frontends = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/frontend");
    let io = [
        "std::fs",
        "source::read_text",
        "source::canonical",
        "read_text(&",
        ".exists()",
        ".is_file()",
        ".is_dir()",
        "File::open",
    ];
    let mut found = Vec::new();
    for (path, shipped) in shipped_sources(&frontends) {
        for line in shipped.lines() {
            let direct = io
                .iter()
                .any(|call| line.contains(call) && !line.contains("fs.read_text("));
            if direct {
                found.push(format!("{}: {}", path.display(), line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "front ends doing IO: {found:#?}");
}

/// The Rust files below `dir`, each with its text before `#[cfg(test)]`.
fn shipped_sources(dir: &Path) -> Vec<(std::path::PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)
            .expect("readable")
            .filter_map(|e| e.ok())
        {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("readable");
                let shipped = text.split("#[cfg(test)]").next().unwrap_or("").to_string();
                out.push((path, shipped));
            }
        }
    }
    out
}
