//! `reclint server`: a language server on standard input and output.
//!
//! Every analysis is a whole `reclint check` of the workspace folder, read
//! from the disk with the editor's unsaved buffers laid over it
//! ([`Overlay`]): a file is judged in its unit (the dialplan that includes
//! it, the flows that transfer to it) exactly as the command line judges
//! it, and `reclint.toml` and custom rules are read again each time, so a
//! change to them takes effect at the next analysis. Open, save and close
//! analyse at once, and so does the first change after a pause; further
//! changes wait until typing pauses for [`DEBOUNCE`].

mod convert;
mod suppression;

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crossbeam_channel::RecvTimeoutError;
use lsp_server::{Connection, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    DidSaveTextDocument, Notification as _, PublishDiagnostics, ShowMessage,
};
use lsp_types::request::{CodeActionRequest, HoverRequest, RegisterCapability, Request as _};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, Diagnostic, DidChangeWatchedFilesRegistrationOptions,
    FileSystemWatcher, GlobPattern, Hover, HoverContents, HoverParams, HoverProviderCapability,
    InitializeParams, MarkupContent, MarkupKind, MessageType, Position, PublishDiagnosticsParams,
    Registration, RegistrationParams, ServerCapabilities, ShowMessageParams,
    TextDocumentSyncCapability, TextDocumentSyncKind, Url, WorkspaceEdit,
};

use crate::check::{self, CheckOptions};
use crate::files::{FileSystem, Overlay};
use crate::finding::Applicability;
use crate::rules::Registry;
use crate::source::canonical;

/// How long typing must pause before a change is analysed.
const DEBOUNCE: Duration = Duration::from_millis(50);

/// Serves one client on standard input and output until it exits.
pub fn run(builtin: &Registry) -> miette::Result<()> {
    let (connection, threads) = Connection::stdio();
    let capabilities = serde_json::to_value(capabilities()).map_err(internal)?;
    let params = connection.initialize(capabilities).map_err(internal)?;
    let params: InitializeParams = serde_json::from_value(params).map_err(internal)?;
    if watches_files(&params) {
        watch_configuration(&connection);
    }
    let root = workspace_root(&params)
        .or_else(|| std::env::current_dir().ok())
        .ok_or_else(|| miette::miette!(code = "reclint::io", "no workspace folder"))?;
    let mut server = Server {
        root: canonical(&root),
        builtin,
        registry: builtin.clone(),
        overlay: Overlay::default(),
        open: HashMap::new(),
        found: HashMap::new(),
        pending: None,
        analysed: None,
    };
    server.serve(&connection)?;
    drop(connection);
    threads.join().map_err(internal)
}

fn internal(error: impl std::fmt::Display) -> miette::Report {
    miette::miette!(code = "reclint::server", "{error}")
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    }
}

/// Whether the client lets the server ask for file change notifications.
fn watches_files(params: &InitializeParams) -> bool {
    params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|w| w.dynamic_registration)
        .unwrap_or(false)
}

/// Asks the client to report changes to `reclint.toml` and custom rule
/// files (every `*.toml`), which no open document reports: the next
/// analysis reads them again.
fn watch_configuration(connection: &Connection) {
    let options = DidChangeWatchedFilesRegistrationOptions {
        watchers: vec![FileSystemWatcher {
            glob_pattern: GlobPattern::String("**/*.toml".into()),
            kind: None,
        }],
    };
    let params = RegistrationParams {
        registrations: vec![Registration {
            id: "reclint-configuration".into(),
            method: DidChangeWatchedFiles::METHOD.into(),
            register_options: serde_json::to_value(options).ok(),
        }],
    };
    send(
        connection,
        Message::Request(Request::new(
            "reclint-watch".to_string().into(),
            RegisterCapability::METHOD.into(),
            params,
        )),
    );
}

/// The first workspace folder, else the root the client names.
#[allow(deprecated)] // `root_uri`: older clients name only that.
fn workspace_root(params: &InitializeParams) -> Option<PathBuf> {
    let folder = params
        .workspace_folders
        .as_ref()
        .and_then(|folders| folders.first())
        .map(|folder| &folder.uri);
    folder
        .or(params.root_uri.as_ref())
        .and_then(|uri| uri.to_file_path().ok())
}

struct Server<'a> {
    /// The workspace folder, canonical: what every analysis lints.
    root: PathBuf,
    builtin: &'a Registry,
    /// The rules of the last analysis (with custom rules), for hover.
    registry: Registry,
    /// The unsaved buffers.
    overlay: Overlay,
    /// The URI the client opened each file by and the version of its
    /// buffer, by canonical path.
    open: HashMap<PathBuf, (Url, i32)>,
    /// What the last analysis found, by file.
    found: HashMap<Url, Vec<convert::Found>>,
    /// When the changes waiting are to be analysed.
    pending: Option<Instant>,
    /// When the last analysis ended.
    analysed: Option<Instant>,
}

impl Server<'_> {
    fn serve(&mut self, connection: &Connection) -> miette::Result<()> {
        loop {
            let message = match self.pending {
                Some(due) => {
                    match connection
                        .receiver
                        .recv_timeout(due.saturating_duration_since(Instant::now()))
                    {
                        Ok(message) => message,
                        Err(RecvTimeoutError::Timeout) => {
                            self.analyse(connection);
                            continue;
                        }
                        Err(RecvTimeoutError::Disconnected) => return Ok(()),
                    }
                }
                None => match connection.receiver.recv() {
                    Ok(message) => message,
                    Err(_) => return Ok(()),
                },
            };
            match message {
                Message::Request(request) => {
                    if connection.handle_shutdown(&request).map_err(internal)? {
                        return Ok(());
                    }
                    let response = self.answer(request);
                    send(connection, Message::Response(response));
                }
                Message::Notification(notification) => self.notice(notification),
                Message::Response(_) => {}
            }
            if self.pending.is_some_and(|due| due <= Instant::now()) {
                self.analyse(connection);
            }
        }
    }

    fn answer(&self, request: Request) -> Response {
        let id = request.id.clone();
        let result = match request.method.as_str() {
            HoverRequest::METHOD => serde_json::from_value::<HoverParams>(request.params)
                .map(|params| serde_json::to_value(self.hover(&params))),
            CodeActionRequest::METHOD => serde_json::from_value::<CodeActionParams>(request.params)
                .map(|params| serde_json::to_value(self.code_actions(&params))),
            _ => {
                return Response::new_err(
                    id,
                    lsp_server::ErrorCode::MethodNotFound as i32,
                    format!("reclint does not answer {}", request.method),
                );
            }
        };
        match result {
            Ok(Ok(value)) => Response::new_ok(id, value),
            Ok(Err(e)) | Err(e) => Response::new_err(
                id,
                lsp_server::ErrorCode::InvalidParams as i32,
                e.to_string(),
            ),
        }
    }

    fn notice(&mut self, notification: Notification) {
        let params = notification.params;
        let now = Instant::now();
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(params)
                {
                    let document = p.text_document;
                    self.set_text(&document.uri, document.version, document.text);
                    self.pending = Some(now);
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(params)
                    // Full synchronisation: the last change is the whole text.
                    && let Some(change) = p.content_changes.into_iter().last()
                {
                    self.set_text(&p.text_document.uri, p.text_document.version, change.text);
                    self.pending = Some(match self.pending {
                        // Typing goes on: wait for it to pause.
                        Some(_) => now + DEBOUNCE,
                        // The first change after a pause is analysed at once.
                        None => self.analysed.map_or(now, |done| (done + DEBOUNCE).max(now)),
                    });
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(params)
                    && let Ok(path) = p.text_document.uri.to_file_path()
                {
                    self.overlay.remove(&path);
                    self.open.remove(&canonical(&path));
                    self.pending = Some(now);
                }
            }
            // Saved files and files changed on disk (reclint.toml, custom
            // rules) are read again by the next analysis.
            DidSaveTextDocument::METHOD | DidChangeWatchedFiles::METHOD => {
                self.pending = Some(now);
            }
            _ => {}
        }
    }

    fn set_text(&mut self, uri: &Url, version: i32, text: String) {
        if let Ok(path) = uri.to_file_path() {
            self.overlay.set(&path, text);
            self.open.insert(canonical(&path), (uri.clone(), version));
        }
    }

    /// Checks the workspace and publishes what it finds; files that had
    /// diagnostics and have none now are cleared.
    fn analyse(&mut self, connection: &Connection) {
        self.pending = None;
        let options = CheckOptions {
            paths: vec![self.root.clone()],
            overlay: self.overlay.clone(),
            ..CheckOptions::default()
        };
        // A panic is a bug, but it must not take the editor's server down.
        let run = std::panic::catch_unwind(AssertUnwindSafe(|| {
            check::run(&options, &self.root, self.builtin)
        }));
        let run = match run {
            Ok(Ok(run)) => run,
            Ok(Err(report)) => {
                return show_message(connection, MessageType::ERROR, format!("reclint: {report}"));
            }
            Err(_) => {
                return show_message(
                    connection,
                    MessageType::ERROR,
                    "reclint failed on this workspace (a bug: please report it)".into(),
                );
            }
        };
        let document_of = |path: &Path| self.document_of(path);
        let mut found = convert::found(&run, &document_of);
        for uri in self.found.keys() {
            found.entry(uri.clone()).or_default();
        }
        for (uri, items) in &found {
            let diagnostics: Vec<Diagnostic> = items.iter().map(|f| f.diagnostic.clone()).collect();
            let params = PublishDiagnosticsParams::new(uri.clone(), diagnostics, None);
            send(
                connection,
                Message::Notification(Notification::new(
                    PublishDiagnostics::METHOD.to_string(),
                    params,
                )),
            );
        }
        found.retain(|_, items| !items.is_empty());
        self.found = found;
        self.registry = run.registry;
        self.analysed = Some(Instant::now());
    }

    /// The URI the client knows a file by, and its buffer's version when
    /// it is open.
    fn document_of(&self, path: &Path) -> Option<convert::Document> {
        let path = canonical(path);
        match self.open.get(&path) {
            Some((uri, version)) => Some((uri.clone(), Some(*version))),
            None => Url::from_file_path(&path).ok().map(|uri| (uri, None)),
        }
    }

    /// The rule pages of the diagnostics under the cursor, else of the rule
    /// code or name under it.
    fn hover(&self, params: &HoverParams) -> Option<Hover> {
        let at = &params.text_document_position_params;
        let mut codes: Vec<&str> = self
            .found
            .get(&at.text_document.uri)
            .into_iter()
            .flatten()
            .filter(|f| convert::contains(f.diagnostic.range, at.position))
            .map(|f| f.rule.as_str())
            .collect();
        codes.dedup();
        let word = self.word_at(&at.text_document.uri, at.position);
        let pages: Vec<String> = if codes.is_empty() {
            word.and_then(|w| crate::explain::rule(&self.registry, &w).ok())
                .into_iter()
                .collect()
        } else {
            codes
                .iter()
                .filter_map(|code| crate::explain::rule(&self.registry, code).ok())
                .collect()
        };
        (!pages.is_empty()).then(|| Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: pages.join("\n\n---\n\n"),
            }),
            range: None,
        })
    }

    /// The word (letters, digits, `-`, `_`) at a position of a file.
    fn word_at(&self, uri: &Url, position: Position) -> Option<String> {
        let text = self.overlay.read_text(&uri.to_file_path().ok()?).ok()?;
        let line = text.lines().nth(position.line as usize)?;
        let at = convert::byte_of(line, position.character);
        let is_word = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
        let start = line[..at]
            .char_indices()
            .rev()
            .take_while(|&(_, c)| is_word(c))
            .last()
            .map_or(at, |(i, _)| i);
        let end = line[at..]
            .char_indices()
            .find(|&(_, c)| !is_word(c))
            .map_or(line.len(), |(i, _)| at + i);
        (start < end).then(|| line[start..end].to_string())
    }

    /// For each diagnostic in the range: its fix, and a suppression.
    fn code_actions(&self, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
        let uri = &params.text_document.uri;
        let mut actions = Vec::new();
        let Some(found) = self.found.get(uri) else {
            return actions;
        };
        let text = uri
            .to_file_path()
            .ok()
            .and_then(|path| self.overlay.read_text(&path).ok().map(|t| (path, t)));
        for item in found
            .iter()
            .filter(|f| convert::overlaps(f.diagnostic.range, params.range))
        {
            if let Some(fix) = &item.fix {
                let safe = fix.applicability == Applicability::Safe;
                actions.push(action(
                    if safe {
                        format!("Fix {}: {}", item.rule, fix.title)
                    } else {
                        format!("Fix {} (unsafe): {}", item.rule, fix.title)
                    },
                    fix.edit.clone(),
                    item,
                    safe,
                ));
            }
            if let Some((path, text)) = &text
                && let Some((title, edit)) = suppression::edit(
                    uri,
                    path,
                    text,
                    item.diagnostic.range.start.line,
                    &item.rule,
                    &self.root,
                )
            {
                actions.push(action(title, edit, item, false));
            }
        }
        actions
    }
}

fn action(
    title: String,
    edit: WorkspaceEdit,
    item: &convert::Found,
    preferred: bool,
) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![item.diagnostic.clone()]),
        edit: Some(edit),
        is_preferred: Some(preferred),
        ..CodeAction::default()
    })
}

fn show_message(connection: &Connection, typ: MessageType, message: String) {
    let params = ShowMessageParams { typ, message };
    send(
        connection,
        Message::Notification(Notification::new(ShowMessage::METHOD.to_string(), params)),
    );
}

/// Sends a message; a client that went away ends the loop at the next read.
fn send(connection: &Connection, message: Message) {
    let _ = connection.sender.send(message);
}
