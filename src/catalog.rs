//! The rule catalogue: every rule's metadata (code, name, severity, texts,
//! references), read from the embedded `lints/*.toml` and extended with the
//! custom rules' metadata, looked up by code or by name. It holds no rule
//! implementations: configuration, suppressions and reporters need only this.

use crate::hash::HashMap;
use std::sync::{Arc, LazyLock};

use regex::Regex;
use serde::Deserialize;

use crate::finding::Severity;

include!(concat!(env!("OUT_DIR"), "/lints.rs"));

/// A rule's metadata, exactly the schema of `lints/RECnnn.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleMeta {
    pub code: String,
    pub name: String,
    pub severity: Severity,
    pub summary: String,
    /// The formats the rule looks at; empty: all. A custom rule names them;
    /// a built-in rule's are the formats it has fixtures for
    /// (`fixtures/<format>/<RULE>/`), never written in its file.
    #[serde(default)]
    pub formats: Vec<String>,
    /// The legal frameworks and provisions the rule enforces, as
    /// `framework:provision` (`gdpr:art6-1-a`, `pci-dss:3.3.1`).
    #[serde(default)]
    pub tags: Vec<String>,
    pub help: String,
    pub explanation: String,
    pub references: Vec<Reference>,
    /// A built-in rule's examples, one flagged and one passing per format:
    /// its fixtures, without their test markers.
    #[serde(skip)]
    pub examples: Vec<Example>,
}

/// A configuration the rule flags, or one it passes, on one platform.
#[derive(Debug, Clone)]
pub struct Example {
    pub format: String,
    pub flagged: bool,
    pub name: String,
    pub text: String,
}

/// A fixture's `expect:` marker comment (`; expect: REC005`,
/// `<!-- expect: REC005 -->`, `# expect: ...`), which is for the tests.
static EXPECT_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)[ \t]*(?:;|#|//|<!--)[ \t]*expect(?:-suppressed)?:[^\n]*?(?:-->|$)")
        .expect("valid regex")
});

/// A compliance tag: a framework and a provision in it, lowercase
/// (`gdpr:art6-1-a`, `pci-dss:3.3.1`, `cipa:632`).
static COMPLIANCE_TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\A[a-z0-9-]+:[a-z0-9.-]+\z").expect("valid regex"));

impl RuleMeta {
    /// The rule's first reference, used as the diagnostic's link.
    pub fn url(&self) -> Option<&str> {
        self.references.first().map(|r| r.url.as_str())
    }

    /// The frameworks the rule enforces: its tags' prefixes, once each.
    pub fn frameworks(&self) -> Vec<&str> {
        let mut frameworks: Vec<&str> = Vec::new();
        for tag in &self.tags {
            let framework = framework_of(tag);
            if !frameworks.contains(&framework) {
                frameworks.push(framework);
            }
        }
        frameworks
    }
}

/// The framework of a compliance tag: what comes before its `:`.
pub fn framework_of(tag: &str) -> &str {
    tag.split_once(':').map_or(tag, |(framework, _)| framework)
}

/// Whether `tag` is a compliance tag, `framework:provision`.
pub fn is_compliance_tag(tag: &str) -> bool {
    COMPLIANCE_TAG.is_match(tag)
}

/// A source behind a rule. `note` is a neutral description shown with it
/// ("official text"); `verified = false` marks a source whose text was not
/// checked in full, which is for the rule's maintainers and never shown.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    pub title: String,
    pub url: String,
    pub note: Option<String>,
    #[serde(default = "checked")]
    pub verified: bool,
}

fn checked() -> bool {
    true
}

/// The metadata of a run's rules, in order: the built-in rules, then the
/// custom ones.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub rules: Vec<Arc<RuleMeta>>,
    by_code: HashMap<String, usize>,
    by_name: HashMap<String, usize>,
}

impl Catalog {
    /// The built-in rules, whose formats are those of `formats` (the front
    /// ends' format names, in order) they have fixtures for. A rule file
    /// that does not parse, declares another code than its file name or
    /// lists its formats, or a fixture directory that is not a format, is a
    /// bug in reclint itself and is reported as such.
    pub fn builtin(formats: &[&str]) -> Result<Catalog, String> {
        let mut rules = Vec::new();
        for (code, text, tested) in LINT_FILES {
            let stem = code.as_str();
            let mut meta: RuleMeta =
                toml::from_str(text).map_err(|e| format!("lints/{stem}.toml: {e}"))?;
            if meta.code != stem {
                return Err(format!("lints/{stem}.toml declares code {}", meta.code));
            }
            if !meta.formats.is_empty() {
                return Err(format!(
                    "lints/{stem}.toml lists formats: they are the formats of fixtures/<format>/{stem}/"
                ));
            }
            if let Some(tag) = meta.tags.iter().find(|t| !is_compliance_tag(t)) {
                return Err(format!(
                    "lints/{stem}.toml: tag `{tag}` is not `framework:provision` in lowercase"
                ));
            }
            if let Some(other) = tested.iter().find(|f| !formats.contains(f)) {
                return Err(format!("fixtures/{other}/{stem}/: {other} is not a format"));
            }
            meta.formats = formats
                .iter()
                .filter(|f| tested.contains(f))
                .map(|f| f.to_string())
                .collect();
            meta.examples = EXAMPLES
                .iter()
                .filter(|(example_code, ..)| example_code == code)
                .map(|&(_, format, flagged, name, text)| Example {
                    format: format.to_string(),
                    flagged,
                    name: name.to_string(),
                    text: EXPECT_MARKER.replace_all(text, "").trim_end().to_string(),
                })
                .collect();
            rules.push(Arc::new(meta));
        }
        Ok(Catalog::of(rules))
    }

    /// A catalogue of these rules, whose codes and names do not collide.
    pub fn of(rules: Vec<Arc<RuleMeta>>) -> Catalog {
        let by_code = rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.code.clone(), i))
            .collect();
        let by_name = rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.name.clone(), i))
            .collect();
        Catalog {
            rules,
            by_code,
            by_name,
        }
    }

    /// Where a rule is, by code (case-insensitive) or kebab-case name.
    pub(crate) fn position(&self, code_or_name: &str) -> Option<usize> {
        let key = code_or_name.trim();
        self.by_code
            .get(&key.to_ascii_uppercase())
            .or_else(|| self.by_name.get(&key.to_ascii_lowercase()))
            .copied()
    }

    /// Where the rule with exactly this code is; the code must be known.
    pub(crate) fn index(&self, code: &str) -> usize {
        self.by_code[code]
    }

    /// Finds a rule by code (case-insensitive) or kebab-case name.
    pub fn find(&self, code_or_name: &str) -> Option<&RuleMeta> {
        self.position(code_or_name).map(|i| &*self.rules[i])
    }

    pub fn get(&self, code: &str) -> &RuleMeta {
        &self.rules[self.index(code)]
    }

    /// The codes a selector names, as ruff reads `--select`: a code or a
    /// name, a code prefix (`REC0`, `REC01`, `ACME`), or `ALL`. `Err`: it
    /// names no rule, with the closest code or name when one is near.
    pub fn select(&self, selector: &str) -> Result<Vec<String>, String> {
        let key = selector.trim();
        if key.eq_ignore_ascii_case("all") {
            return Ok(self.rules.iter().map(|r| r.code.clone()).collect());
        }
        if let Some(rule) = self.find(key) {
            return Ok(vec![rule.code.clone()]);
        }
        let prefix = key.to_ascii_uppercase();
        let by_prefix: Vec<String> = self
            .rules
            .iter()
            .filter(|r| !prefix.is_empty() && r.code.starts_with(&prefix))
            .map(|r| r.code.clone())
            .collect();
        if !by_prefix.is_empty() {
            return Ok(by_prefix);
        }
        let near = self.closest(key);
        Err(match near {
            Some(near) => format!("unknown rule `{key}`; did you mean `{near}`?"),
            None => format!("unknown rule `{key}`"),
        })
    }

    /// The code or name closest to `key`, if one is a few edits away.
    pub fn closest(&self, key: &str) -> Option<&str> {
        let candidates = self
            .rules
            .iter()
            .flat_map(|r| [r.code.as_str(), r.name.as_str()]);
        crate::suggest::closest(key, candidates)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_shows_an_example_per_format_without_test_markers() {
        let catalog = Catalog::builtin(&crate::frontend::format_names()).expect("rules load");
        for rule in &catalog.rules {
            for format in &rule.formats {
                assert!(
                    rule.examples.iter().any(|e| &e.format == format),
                    "{} has no {format} example",
                    rule.code
                );
            }
            for example in &rule.examples {
                assert!(
                    !example.text.contains("expect:"),
                    "{}: {}",
                    rule.code,
                    example.name
                );
                assert!(!example.text.is_empty(), "{}: {}", rule.code, example.name);
            }
        }
        let rec005 = catalog.get("REC005");
        assert!(rec005.examples.iter().any(|e| e.flagged));
        assert!(rec005.examples.iter().any(|e| !e.flagged));
    }

    #[test]
    fn every_lint_file_is_a_rule_code() {
        let catalog = Catalog::builtin(&crate::frontend::format_names()).expect("rules load");
        let codes: Vec<&str> = catalog.rules.iter().map(|r| r.code.as_str()).collect();
        let expected: Vec<&str> = RuleCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(codes, expected);
        assert_eq!(catalog.find("opt-out-consent").unwrap().code, "REC005");
        assert_eq!(
            catalog.get("REC001").name,
            "blanket-recording-without-consent"
        );
    }

    /// Every rule that judges recordings says which provisions it enforces;
    /// the rules about reclint's own analysis and suppressions enforce none.
    #[test]
    fn legal_rules_carry_compliance_tags() {
        let catalog = Catalog::builtin(&crate::frontend::format_names()).expect("rules load");
        for rule in &catalog.rules {
            let legal = !rule.code.starts_with("REC9") && rule.code != "REC019";
            assert_eq!(
                !rule.tags.is_empty(),
                legal,
                "{}: {:?}",
                rule.code,
                rule.tags
            );
        }
        assert_eq!(catalog.get("REC014").frameworks(), ["pci-dss"]);
        assert!(!is_compliance_tag("GDPR:Art6") && !is_compliance_tag("gdpr"));
    }

    #[test]
    fn built_in_formats_are_the_fixture_directories_in_format_order() {
        let catalog = Catalog::builtin(&crate::frontend::format_names()).expect("rules load");
        assert_eq!(
            catalog.get("REC013").formats,
            [
                "asterisk",
                "freeswitch",
                "amazon-connect",
                "twilio",
                "telnyx",
                "signalwire",
                "plivo",
                "vonage",
                "genesys",
                "terraform"
            ]
        );
        assert_eq!(
            catalog.get("REC910").formats,
            [
                "asterisk",
                "freeswitch",
                "twilio",
                "telnyx",
                "signalwire",
                "plivo",
                "genesys"
            ]
        );
        assert_eq!(
            catalog.get("REC017").formats,
            ["terraform", "cloudformation"]
        );
    }
}
