//! `reclint init`: writes a commented starter `reclint.toml` for the tree in
//! the current directory.
//!
//! The tree is walked as `reclint check` walks it (same discovery, no
//! configuration), the files are counted per format, and the contexts
//! (Asterisk, FreeSWITCH) and flows (Amazon Connect, Twilio, Genesys Cloud)
//! where calls enter or recording starts are offered as candidate
//! `entry-points` and `[[scope]]` entries. Every section of the
//! configuration is present and explained; almost everything is commented
//! out, so the file changes nothing but the jurisdiction (EU) until edited.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use miette::miette;

use crate::check;
use crate::config::{self, CONFIG_NAMES, Config};
use crate::discover::{self, FileFilter};
use crate::glob::GlobSet;
use crate::parse::Problems;
use crate::rules::Registry;
use crate::source::{SourceMap, display_path};
use crate::workspace::Workspace;

/// What `reclint init` found in the tree.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Survey {
    /// Files per format, e.g. `Asterisk dialplan` → 3.
    pub formats: BTreeMap<String, usize>,
    /// Files named like configuration that could not be read.
    pub unreadable: usize,
    /// Contexts reclint takes for entry points (nothing else jumps to them).
    pub entry_contexts: Vec<String>,
    /// Contexts holding a statement that starts recording.
    pub recording_contexts: Vec<String>,
}

impl Survey {
    pub fn files(&self) -> usize {
        self.formats.values().sum()
    }
}

/// Walks `dir` like `reclint check` does and reports what it finds.
pub fn survey(dir: &Path) -> miette::Result<Survey> {
    let filter = FileFilter {
        base: dir.to_path_buf(),
        include: GlobSet::default(),
        exclude: GlobSet::default(),
        skip_dirs: Vec::new(),
    };
    let found = discover::discover(
        &[dir.to_path_buf()],
        &filter,
        dir,
        false,
        crate::parallel::default_jobs(),
        &crate::files::Disk,
    )
    .map_err(|(path, error)| {
        miette!(
            code = "reclint::io",
            "cannot read {}: {error}",
            display_path(&path, dir)
        )
    })?;
    let workspace = Workspace::new(found, &[dir.to_path_buf()], dir);
    let mut survey = Survey {
        unreadable: workspace.file_count() - workspace.kinds().count(),
        ..Survey::default()
    };
    for kind in workspace.kinds() {
        *survey
            .formats
            .entry(kind.describe().to_string())
            .or_default() += 1;
    }

    // Contexts, from the same call-flow graphs `check` analyses.
    let config = Config::default_for(dir);
    let mut entries = BTreeSet::new();
    let mut recording = BTreeSet::new();
    for unit in workspace.units() {
        let mut sources = SourceMap::default();
        let mut problems = Problems::default();
        let jobs = crate::parallel::default_jobs();
        let (lowered, _) = workspace.load(unit, &mut sources, &mut problems, &config, jobs);
        for graph in lowered.graphs {
            for entry in &graph.entries {
                entries.insert(graph.region(entry.region).name.clone());
            }
            for (step, _) in graph.recording_starts() {
                recording.insert(graph.region(graph.step(step).region).name.clone());
            }
        }
    }
    survey.entry_contexts = entries.into_iter().collect();
    survey.recording_contexts = recording.into_iter().collect();
    Ok(survey)
}

/// Lists at most `max` names, saying how many were left out.
fn names(items: &[String], max: usize) -> String {
    let mut text = items
        .iter()
        .take(max)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > max {
        text.push_str(&format!(" and {} more", items.len() - max));
    }
    text
}

/// What the starter file is and how to use it.
const HEADER: &str = "# reclint.toml, written by `reclint init`. Every key is optional; most are\n\
         # commented out and show an example. Uncomment and edit what applies, then\n\
         # run `reclint check`. `reclint check --show-config` prints the values in\n\
         # use and where each comes from; `reclint rules` lists the rules.\n#\n";

/// The baseline key.
const BASELINE: &str = "\n# Path of a baseline (`reclint check --write-baseline FILE` writes one):\n\
         # findings in it are accepted, only new ones are reported. Relative to this file.\n\
         # baseline = \".reclint-baseline.toml\"\n";

/// `[policy]`.
const POLICY: &str = "\n[policy]\n\
         # Whose law applies. EU (default) or an EU/EEA country code (DK, DE, NO, ...):\n\
         # recording needs an opt-in (FR adds the CNIL's limits). IN: opt-in too, and\n\
         # no legitimate interests. UK, CA, BR, US or US-XX (e.g. US-CA): a notice plus\n\
         # continuing the call is accepted, so the consent rules are not raised.\n\
         jurisdiction = \"EU\"\n\
         # general (default), public-authority, emergency-services (consent rules not\n\
         # raised), financial-services, health or consumer-service (BR: a regulated\n\
         # service's SAC line, where recording is mandated).\n\
         # sector = \"general\"\n\
         # Purposes of recordings that declare none (see [[scope]] and\n\
         # `; reclint: purpose=...` comments).\n\
         # default-purposes = [\"documentation\"]\n\
         # Answers to a consent question that mean \"yes, record me\"\n\
         # (default: \"1\", \"yes\", \"y\", \"ja\").\n\
         # consent-answers = [\"1\", \"yes\"]\n\
         # How recordings stored outside the EU/EEA are transferred: \"SCC+TIA\",\n\
         # \"adequacy\", ...\n\
         # transfer-mechanism = \"\"\n";

/// `[purposes.NAME]` examples.
const PURPOSES: &str = "\n# Why calls are recorded, and on which legal basis (GDPR Art. 6(1)):\n\
         # consent | contract | legal-obligation | public-task | vital-interests |\n\
         # legitimate-interests. A purpose not declared here has basis consent.\n\
         # [purposes.training]\n\
         # legal-basis = \"consent\"\n\
         # retention-days = 30\n\
         #\n\
         # [purposes.staff-safety]\n\
         # legal-basis = \"legitimate-interests\"\n\
         # necessity = \"Risk assessment RA-7: threats on line 3 weekly; notes insufficient\"\n\
         #\n\
         # [purposes.regulatory]\n\
         # legal-basis = \"legal-obligation\"\n\
         # mandate = \"MiFID II Art. 16(7)\"\n\
         # retention-days = 1826\n";

/// What `[[scope]]` is, before what init found.
const SCOPE: &str = "\n# [[scope]] gives recordings purposes: by path (globs relative to this file)\n\
         # and/or by dialplan context, FreeSWITCH context or flow name.\n";

/// `[recognize]`, before the entry points init found.
const RECOGNIZE: &str = "\n[recognize]\n\
         # Prompt globs that are recording notices (\"this call may be recorded\").\n\
         # notice = [\"*announce-rec*\"]\n\
         # Prompt globs that make an input a consent question.\n\
         # consent = [\"*press-1-to-allow*\"]\n\
         # Variables that hold a consent answer set outside the scanned files (AGI, database).\n\
         # consent-variables = [\"RECOK\"]\n\
         # Contexts where calls enter, in addition to those nothing else jumps to.\n";

/// `[files]`.
const FILES: &str = "\n[files]\n\
         # Globs relative to this file. Default: every file whose name or content is a\n\
         # format reclint reads (Asterisk .conf, FreeSWITCH and TwiML .xml, Amazon\n\
         # Connect and Twilio Studio .json, legacy Connect exports without extension,\n\
         # Genesys Archy .yaml, Terraform .tf, CloudFormation .yaml, .json and\n\
         # .template).\n\
         # include = [\"**/*.conf\", \"**/*.xml\", \"**/*.json\", \"**/*.tf\"]\n\
         # Pruned from walks; also from files named on the command line with\n\
         # --force-exclude (the pre-commit hook passes it).\n\
         # exclude = [\"legacy/**\"]\n";

/// `[rules]`.
const RULES: &str = "\n[rules]\n\
         # Codes (REC001) or names; empty = all rules.\n\
         # select = []\n\
         # ignore = [\"REC009\"]\n\
         # The lowest severity that makes `reclint check` exit 1: error | warning | info.\n\
         fail-on = \"error\"\n\
         # Per-rule severity: error | warning | info.\n\
         # [rules.severity]\n\
         # REC009 = \"info\"\n";

/// `[[ignore]]` examples.
const IGNORE: &str = "\n# Suppressions for files without comments (JSON flows) or whole trees.\n\
         # An entry without a reason suppresses nothing (REC911); past its `expires`\n\
         # date the findings are reported again (REC913).\n\
         # In .conf and .xml files prefer an inline comment on the statement:\n\
         #   ; reclint: ignore[REC001] -- reason\n\
         # [[ignore]]\n\
         # paths = [\"legacy/**\"]\n\
         # rules = [\"REC003\"]\n\
         # anchor = \"from-pstn\"              # optional: context or flow name\n\
         # reason = \"Flow retired in Q1; ticket PRIV-88\"\n\
         # expires = 2027-03-31\n";

/// The starter configuration for what `survey` found.
pub fn starter(survey: &Survey) -> String {
    let mut t = String::new();
    t.push_str(HEADER);
    found(&mut t, survey);
    t.push_str(BASELINE);
    t.push_str(POLICY);
    t.push_str(PURPOSES);
    scope(&mut t, survey);
    recognize(&mut t, survey);
    t.push_str(FILES);
    t.push_str(RULES);
    t.push_str(IGNORE);
    t
}

/// What `reclint init` found: files by format, and files it could not read.
fn found(t: &mut String, survey: &Survey) {
    if survey.files() == 0 {
        t.push_str("# reclint init found no files of a format reclint reads in this tree.\n");
    } else {
        t.push_str("# reclint init found:\n");
        for (format, count) in &survey.formats {
            t.push_str(&format!(
                "#   {count} {format} file{}\n",
                if *count == 1 { "" } else { "s" }
            ));
        }
    }
    if survey.unreadable > 0 {
        t.push_str(&format!(
            "#   {} file{} that could not be read (reported as REC900)\n",
            survey.unreadable,
            if survey.unreadable == 1 { "" } else { "s" }
        ));
    }
}

/// `[[scope]]`, with the contexts where init found a recording start.
fn scope(t: &mut String, survey: &Survey) {
    t.push_str(SCOPE);
    if survey.recording_contexts.is_empty() {
        t.push_str("# reclint init found no statement that starts recording.\n");
    } else {
        t.push_str(&format!(
            "# Contexts where reclint init found a recording start: {}.\n",
            names(&survey.recording_contexts, 12)
        ));
    }
    let scope_contexts: Vec<String> = if survey.recording_contexts.is_empty() {
        vec!["from-pstn".into()]
    } else {
        survey.recording_contexts.iter().take(12).cloned().collect()
    };
    t.push_str(&format!(
        "# [[scope]]\n\
         # paths = [\"**\"]\n\
         # contexts = {}\n\
         # purposes = [\"staff-safety\"]\n",
        config::toml_string_list(&scope_contexts)
    ));
}

/// `[recognize]`, with the entry points init found.
fn recognize(t: &mut String, survey: &Survey) {
    t.push_str(RECOGNIZE);
    if survey.entry_contexts.is_empty() {
        t.push_str("# entry-points = [\"from-pstn\"]\n");
    } else {
        t.push_str(&format!(
            "# reclint init found these entry points already: {}.\n\
             # Add contexts that also take calls from outside although something jumps to them.\n\
             # entry-points = {}\n",
            names(&survey.entry_contexts, 12),
            config::toml_string_list(&survey.entry_contexts[..1])
        ));
    }
}

/// `reclint init`: writes the starter configuration into `dir` and returns
/// what to print.
pub fn run(dir: &Path, force: bool, registry: &Registry) -> miette::Result<String> {
    let existing: Vec<PathBuf> = CONFIG_NAMES
        .iter()
        .map(|name| dir.join(name))
        .filter(|p| p.exists())
        .collect();
    if !existing.is_empty() && !force {
        let names: Vec<String> = existing.iter().map(|p| display_path(p, dir)).collect();
        return Err(miette!(
            code = "reclint::init",
            help = "pass --force to overwrite it, or edit it; `reclint check --show-config` shows what it sets",
            "{} already exists; reclint init does not overwrite it",
            names.join(" and ")
        ));
    }
    // With --force, overwrite the file that is there, so that there are never two.
    let path = existing
        .first()
        .cloned()
        .unwrap_or_else(|| dir.join(CONFIG_NAMES[0]));
    let survey = survey(dir)?;
    let text = starter(&survey);
    std::fs::write(&path, &text)
        .map_err(|e| miette!(code = "reclint::io", "cannot write {}: {e}", path.display()))?;
    // The starter must be a valid configuration.
    check::load_config_file(&path, dir, &mut SourceMap::default(), registry, &[]).map_err(|e| {
        miette!(
            code = "reclint::internal",
            "reclint init wrote an invalid {}: {e}",
            path.display()
        )
    })?;

    let name = display_path(&path, dir);
    let mut out = format!(
        "wrote {name}{}\n",
        if existing.is_empty() {
            ""
        } else {
            " (overwritten)"
        }
    );
    if survey.files() == 0 {
        out.push_str("  no files of a format reclint reads were found here\n");
    }
    for (format, count) in &survey.formats {
        out.push_str(&format!(
            "  {count} {format} file{}\n",
            if *count == 1 { "" } else { "s" }
        ));
    }
    if survey.unreadable > 0 {
        out.push_str(&format!("  {} unreadable file(s)\n", survey.unreadable));
    }
    if !survey.entry_contexts.is_empty() {
        out.push_str(&format!(
            "  entry points (contexts, flows): {}\n",
            names(&survey.entry_contexts, 12)
        ));
    }
    if !survey.recording_contexts.is_empty() {
        out.push_str(&format!(
            "  recording starts in: {} (candidates for [[scope]] contexts)\n",
            names(&survey.recording_contexts, 12)
        ));
    }
    out.push_str(&format!(
        "policy.jurisdiction = \"EU\"; every other setting is commented out. Edit {name}, then run `reclint check`.\n"
    ));
    Ok(out)
}
