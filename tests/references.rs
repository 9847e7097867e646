//! The references of the built-in rules are sources a data-protection
//! officer accepts: every URL is https on a host of the list below (official
//! texts, courts, supervisory authorities, standards bodies, and the
//! platforms' own documentation), carries no tracking parameters, and the
//! first reference of a rule is a checked source. Research notes stay out of
//! what users read: a source not checked in full says `verified = false` in
//! its lint file, which no rendering shows. Custom rules' references are the
//! user's own and are not held to this list.

use reclint::catalog::Reference;
use reclint::explain;
use reclint::rules::Registry;

/// Hosts a reference may point at, each with the path prefix it is limited
/// to ("/" for the whole site).
const ALLOWED: &[(&str, &str)] = &[
    // EU law, courts and bodies.
    ("eur-lex.europa.eu", "/"),
    ("curia.europa.eu", "/"),
    ("www.edpb.europa.eu", "/"),
    ("www.esma.europa.eu", "/"),
    ("digital-strategy.ec.europa.eu", "/en/library/"),
    // National legislation and supervisory authorities.
    ("www.datatilsynet.dk", "/"),
    ("www.datatilsynet.no", "/"),
    ("tietosuoja.fi", "/"),
    ("www.imy.se", "/"),
    ("www.datainspektionen.se", "/"),
    ("www.legislation.gov.uk", "/"),
    ("www.handbook.fca.org.uk", "/"),
    ("www.priv.gc.ca", "/"),
    ("leginfo.legislature.ca.gov", "/"),
    ("www.ilga.gov", "/legislation/"),
    ("www.cnil.fr", "/"),
    ("www.legifrance.gouv.fr", "/"),
    ("www.planalto.gov.br", "/ccivil_03/"),
    ("egazette.gov.in", "/"),
    ("www.law.cornell.edu", "/uscode/"),
    // Standards bodies.
    ("www.pcisecuritystandards.org", "/"),
    ("blog.pcisecuritystandards.org", "/"),
    ("www.rfc-editor.org", "/rfc/"),
    ("www.w3.org", "/TR/"),
    // The platforms' own documentation and source.
    ("docs.asterisk.org", "/"),
    ("github.com", "/asterisk/asterisk/"),
    ("github.com", "/awsdocs/"),
    ("docs.aws.amazon.com", "/"),
    ("www.twilio.com", "/docs/"),
    ("help.mypurecloud.com", "/articles/"),
];

/// Query parameters that track the reader or the feed a link came from.
fn is_tracking(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key.starts_with("utm_")
        || key.starts_with("_t_")
        || [
            "channel", "referrer", "ref", "cid", "fbclid", "gclid", "mc_cid", "mc_eid",
        ]
        .contains(&key.as_str())
}

/// The problems of one reference's URL and note, if any.
fn problems(reference: &Reference) -> Vec<String> {
    let mut found = Vec::new();
    let url = reference.url.as_str();
    let Some(rest) = url.strip_prefix("https://") else {
        return vec![format!("{url}: not https")];
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (host, tail) = rest.split_at(end);
    let path = tail.split(['?', '#']).next().unwrap_or("");
    let path = if path.is_empty() { "/" } else { path };
    if !ALLOWED
        .iter()
        .any(|(h, prefix)| *h == host && path.starts_with(prefix))
    {
        found.push(format!("{url}: {host}{path} is not an allowed source"));
    }
    if let Some(query) = tail.split('#').next().and_then(|t| t.split_once('?')) {
        for pair in query.1.split('&') {
            let key = pair.split('=').next().unwrap_or(pair);
            if is_tracking(key) {
                found.push(format!("{url}: tracking parameter `{key}`"));
            }
        }
    }
    if let Some(note) = &reference.note
        && note.to_ascii_lowercase().contains("verif")
    {
        found.push(format!(
            "{url}: the note `{note}` is a research note; say `verified = false` instead"
        ));
    }
    found
}

#[test]
fn every_builtin_reference_is_an_allowed_official_source() {
    let registry = Registry::builtin().expect("the built-in rules load");
    let mut found = Vec::new();
    for rule in &registry.rules {
        let meta = &rule.meta;
        match meta.references.first() {
            None => found.push(format!("{}: no reference", meta.code)),
            Some(first) if !first.verified => found.push(format!(
                "{}: the primary reference {} is not verified",
                meta.code, first.url
            )),
            Some(_) => {}
        }
        for reference in &meta.references {
            for problem in problems(reference) {
                found.push(format!("{}: {problem}", meta.code));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn no_rendering_shows_research_notes() {
    let registry = Registry::builtin().expect("the built-in rules load");
    let mut texts: Vec<(String, String)> = explain::rules_markdown_pages(&registry);
    for rule in &registry.rules {
        let text = explain::rule(&registry, &rule.meta.code).expect("the rule is explained");
        texts.push((rule.meta.code.clone(), text));
    }
    texts.push(("rules --format json".into(), explain::rules_json(&registry)));
    for (name, text) in texts {
        let lower = text.to_ascii_lowercase();
        assert!(!lower.contains("verified"), "{name} shows `verified`");
        assert!(!lower.contains("[verify"), "{name} shows a research note");
    }
}

#[test]
fn the_checker_finds_what_it_must() {
    let reference = |url: &str, note: Option<&str>| Reference {
        title: "t".into(),
        url: url.into(),
        note: note.map(str::to_string),
        verified: true,
    };
    for (url, note) in [
        ("http://eur-lex.europa.eu/eli/reg/2016/679/oj", None),
        ("https://gdpr-info.eu/art-7-gdpr/", None),
        ("https://github.com/someone/mirror", None),
        ("https://www.datatilsynet.dk/x?utm_source=rss", None),
        ("https://www.datatilsynet.dk/x?channel=rss", None),
        (
            "https://eur-lex.europa.eu/eli/reg/2016/679/oj",
            Some("[unverified] read in part"),
        ),
    ] {
        assert!(!problems(&reference(url, note)).is_empty(), "{url} passes");
    }
    for url in [
        "https://eur-lex.europa.eu/eli/reg/2016/679/oj",
        "https://curia.europa.eu/juris/document/document.jsf?docid=218462&doclang=EN",
        "https://github.com/asterisk/asterisk/blob/releases/21/ChangeLogs/ChangeLog-21.0.0.md",
    ] {
        assert_eq!(
            problems(&reference(url, None)),
            Vec::<String>::new(),
            "{url}"
        );
    }
}
