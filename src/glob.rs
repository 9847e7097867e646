//! Globs, translated to `regex` so the project needs one pattern engine.
//!
//! Path globs: `*` and `?` stay inside one path component, `**` crosses
//! components (`a/**/b`, `a/**`, `**/x`), `[abc]` and `{a,b}` as usual. A pattern
//! without `/` matches a file name in any directory, as in `.gitignore`.
//! Text globs (prompt names in `[recognize]`): `*` matches anything, and
//! matching ignores case.

use regex::Regex;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GlobKind {
    Path,
    Text,
}

#[derive(Debug, Clone)]
pub struct Glob {
    pub pattern: String,
    regex: Regex,
    basename_only: bool,
}

impl Glob {
    pub fn new(pattern: &str, kind: GlobKind) -> Result<Glob, String> {
        let mut re = String::from(if kind == GlobKind::Text { "(?i)^" } else { "^" });
        let chars: Vec<char> = pattern.chars().collect();
        let mut i = 0;
        let mut in_braces = false;
        while i < chars.len() {
            let c = chars[i];
            match c {
                '*' if kind == GlobKind::Path && chars.get(i + 1) == Some(&'*') => {
                    let at_start = i == 0 || chars[i - 1] == '/';
                    let slash_after = chars.get(i + 2) == Some(&'/');
                    let at_end = i + 2 == chars.len();
                    if at_start && slash_after {
                        // `**/` : zero or more directories.
                        re.push_str("(?:.*/)?");
                        i += 3;
                        continue;
                    }
                    if at_start && at_end && i > 0 {
                        // `dir/**` : everything below dir (and dir itself).
                        re.pop();
                        re.push_str("(?:/.*)?");
                        i += 2;
                        continue;
                    }
                    re.push_str(".*");
                    i += 2;
                    continue;
                }
                '*' => re.push_str(if kind == GlobKind::Path {
                    "[^/]*"
                } else {
                    ".*"
                }),
                '?' => re.push_str(if kind == GlobKind::Path { "[^/]" } else { "." }),
                '[' => {
                    let Some(close) = chars[i + 1..].iter().position(|&c| c == ']') else {
                        return Err(format!("unclosed `[` in glob `{pattern}`"));
                    };
                    let class: String = chars[i + 1..i + 1 + close].iter().collect();
                    let class = class.replacen('!', "^", usize::from(class.starts_with('!')));
                    re.push('[');
                    re.push_str(&class.replace('\\', "\\\\"));
                    re.push(']');
                    i += close + 2;
                    continue;
                }
                '{' if !in_braces => {
                    in_braces = true;
                    re.push_str("(?:");
                }
                '}' if in_braces => {
                    in_braces = false;
                    re.push(')');
                }
                ',' if in_braces => re.push('|'),
                c => re.push_str(&regex::escape(&c.to_string())),
            }
            i += 1;
        }
        if in_braces {
            return Err(format!("unclosed `{{` in glob `{pattern}`"));
        }
        re.push('$');
        let regex = Regex::new(&re).map_err(|e| format!("invalid glob `{pattern}`: {e}"))?;
        Ok(Glob {
            pattern: pattern.to_string(),
            regex,
            basename_only: kind == GlobKind::Path && !pattern.contains('/'),
        })
    }

    pub fn matches(&self, text: &str) -> bool {
        if self.basename_only {
            let base = text.rsplit('/').next().unwrap_or(text);
            self.regex.is_match(base)
        } else {
            self.regex.is_match(text)
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct GlobSet {
    globs: Vec<Glob>,
}

impl GlobSet {
    pub fn new(patterns: &[String], kind: GlobKind) -> Result<GlobSet, String> {
        let globs = patterns
            .iter()
            .map(|p| Glob::new(p, kind))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(GlobSet { globs })
    }

    pub fn is_empty(&self) -> bool {
        self.globs.is_empty()
    }

    pub fn matches(&self, text: &str) -> bool {
        self.globs.iter().any(|g| g.matches(text))
    }

    /// Whether the path or one of the directories above it matches.
    pub fn matches_path_or_parent(&self, path: &str) -> bool {
        if self.globs.is_empty() {
            return false;
        }
        let mut prefix = path;
        loop {
            if self.matches(prefix) {
                return true;
            }
            match prefix.rfind('/') {
                Some(i) => prefix = &prefix[..i],
                None => return false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(p: &str, s: &str) -> bool {
        Glob::new(p, GlobKind::Path).unwrap().matches(s)
    }

    #[test]
    fn path_globs() {
        assert!(path("**/*.conf", "a/b/c.conf"));
        assert!(path("**/*.conf", "c.conf"));
        assert!(path("*.conf", "a/b/c.conf"));
        assert!(!path("pbx/*.conf", "pbx/x/c.conf"));
        assert!(path("pbx/**", "pbx/x/c.conf"));
        assert!(path("pbx/**", "pbx"));
        assert!(path("legacy/*.{json,conf}", "legacy/a.conf"));
        assert!(path("a/**/b.conf", "a/b.conf"));
        assert!(path("a/**/b.conf", "a/x/y/b.conf"));
        assert!(path("extensions_[!x]*.conf", "extensions_custom.conf"));
    }

    #[test]
    fn text_globs_ignore_case_and_cross_slashes() {
        let g = Glob::new("*announce-rec*", GlobKind::Text).unwrap();
        assert!(g.matches("custom/Announce-Rec-v2"));
        assert!(!g.matches("custom/welcome"));
    }

    #[test]
    fn bad_globs_are_errors() {
        assert!(Glob::new("[abc", GlobKind::Path).is_err());
        assert!(Glob::new("{a,b", GlobKind::Path).is_err());
    }

    #[test]
    fn parents() {
        let set = GlobSet::new(&["legacy".to_string()], GlobKind::Path).unwrap();
        assert!(set.matches_path_or_parent("legacy/a/b.conf"));
        assert!(!set.matches_path_or_parent("new/a.conf"));
    }
}
