//! `reclint server` through a real LSP exchange on standard input and
//! output: initialize, diagnostics on open and after a change, hover, code
//! actions, shutdown; and the same server under Neovim as the client.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use serde_json::{Value, json};

use common::tree;

const BAD: &str = "[from-pstn]\nexten => s,1,Answer()\n same => n,MixMonitor(${UNIQUEID}.wav)\n same => n,Dial(PJSIP/support,30)\n";
const GOOD: &str = "[from-pstn]\nexten => s,1,Answer()\n same => n,Dial(PJSIP/support,30)\n";

/// A running `reclint server` and the messages it sends.
struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: u64,
}

impl Client {
    fn start(dir: &std::path::Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_reclint"))
            .arg("server")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("reclint server starts");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (send, messages) = channel();
        std::thread::spawn(move || {
            loop {
                let mut length = 0;
                loop {
                    let mut header = String::new();
                    if stdout.read_line(&mut header).unwrap_or(0) == 0 {
                        return;
                    }
                    let header = header.trim_end();
                    if header.is_empty() {
                        break;
                    }
                    if let Some(n) = header.strip_prefix("Content-Length: ") {
                        length = n.parse().unwrap();
                    }
                }
                let mut body = vec![0; length];
                stdout.read_exact(&mut body).unwrap();
                if send.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            messages,
            next_id: 1,
        }
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its response's result.
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let response = self.wait(|m| m["id"] == id);
        assert!(response.get("error").is_none(), "{response}");
        response["result"].clone()
    }

    /// The next message that satisfies `wanted` (others are skipped).
    fn wait(&self, wanted: impl Fn(&Value) -> bool) -> Value {
        loop {
            let message = self
                .messages
                .recv_timeout(Duration::from_secs(60))
                .expect("the server answers");
            if wanted(&message) {
                return message;
            }
        }
    }

    fn diagnostics(&self, uri: &str) -> Vec<Value> {
        let published = self.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        });
        published["params"]["diagnostics"]
            .as_array()
            .unwrap()
            .clone()
    }
}

#[test]
fn diagnostics_hover_and_code_actions_over_stdio() {
    let dir = tree("server-stdio", &[("extensions.conf", BAD)]);
    let root = lsp_types::Url::from_directory_path(reclint::source::canonical(&dir)).unwrap();
    let uri = root.join("extensions.conf").unwrap().to_string();
    let mut client = Client::start(&dir);
    let init = client.request(
        "initialize",
        json!({"processId": null, "rootUri": root.to_string(), "capabilities": {}}),
    );
    assert_eq!(init["capabilities"]["hoverProvider"], true);
    client.notify("initialized", json!({}));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "asterisk", "version": 1, "text": BAD}}),
    );
    let diagnostics = client.diagnostics(&uri);
    let rec001 = diagnostics
        .iter()
        .find(|d| d["code"] == "REC001")
        .unwrap_or_else(|| panic!("no REC001 in {diagnostics:?}"));
    // `MixMonitor(${UNIQUEID}.wav)` on the third line, after ` same => n,`.
    assert_eq!(
        rec001["range"],
        json!({"start": {"line": 2, "character": 11}, "end": {"line": 2, "character": 38}})
    );
    assert_eq!(rec001["source"], "reclint");
    // The witness path: where calls enter, then the recording.
    let related = rec001["relatedInformation"].as_array().unwrap();
    assert!(
        related
            .iter()
            .any(|r| r["message"].as_str().unwrap().starts_with("path, step 1")),
        "{related:?}"
    );

    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 2, "character": 15}}),
    );
    let page = hover["contents"]["value"].as_str().unwrap();
    assert!(page.contains("REC001"), "{page}");

    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": rec001["range"],
            "context": {"diagnostics": []}
        }),
    );
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert!(
        titles.contains(&"Suppress REC001 on this line (with a reason)"),
        "{titles:?}"
    );
    let fix = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Fix REC012"))
        .unwrap_or_else(|| panic!("no REC012 fix in {titles:?}"));
    // At the version analysed: a client refuses it once the buffer changed.
    assert_eq!(
        fix["edit"]["documentChanges"],
        json!([{
            "textDocument": {"uri": uri, "version": 1},
            "edits": [{"range": {"start": {"line": 2, "character": 37}, "end": {"line": 2, "character": 37}}, "newText": ",b"}]
        }])
    );

    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": GOOD}]}),
    );
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    // A half-typed file is a parse error at worst, never a crash.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": "[from-pstn\nexten => s,1,MixMon("}]}),
    );
    client.diagnostics(&uri);

    assert_eq!(client.request("shutdown", json!(null)), Value::Null);
    client.notify("exit", json!(null));
    let status = client.child.wait().unwrap();
    assert!(status.success());
}

#[test]
fn configuration_reloads_and_json_suppressions_go_to_reclint_toml() {
    let flow = std::fs::read_to_string(
        common::root().join("fixtures/amazon-connect/REC012/bad_ivr_recording_enabled.json"),
    )
    .unwrap();
    let dir = tree("server-config", &[("flow.json", &flow)]);
    let root = lsp_types::Url::from_directory_path(reclint::source::canonical(&dir)).unwrap();
    let uri = root.join("flow.json").unwrap().to_string();
    let mut client = Client::start(&dir);
    let watching = json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}});
    client.request(
        "initialize",
        json!({"processId": null, "rootUri": root.to_string(), "capabilities": watching}),
    );
    client.notify("initialized", json!({}));
    // The server asks to hear of changes to reclint.toml and rule files.
    let register = client.wait(|m| m["method"] == "client/registerCapability");
    let watchers = &register["params"]["registrations"][0]["registerOptions"]["watchers"];
    assert_eq!(watchers, &json!([{"globPattern": "**/*.toml"}]));
    client.send(json!({"jsonrpc": "2.0", "id": register["id"], "result": null}));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "json", "version": 1, "text": flow}}),
    );
    let diagnostics = client.diagnostics(&uri);
    let rec012 = diagnostics
        .iter()
        .find(|d| d["code"] == "REC012")
        .unwrap_or_else(|| panic!("no REC012 in {diagnostics:?}"))
        .clone();

    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": rec012["range"], "context": {"diagnostics": []}}),
    );
    let ignore = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| {
            a["title"] == "Suppress REC012 in this file with an [[ignore]] entry (with a reason)"
        })
        .unwrap_or_else(|| panic!("no [[ignore]] action in {actions}"));
    let changes = ignore["edit"]["documentChanges"].as_array().unwrap();
    assert_eq!(changes[0]["kind"], "create");
    assert_eq!(
        changes[1]["edits"][0]["newText"],
        "\n[[ignore]]\npaths = [\"flow.json\"]\nrules = [\"REC012\"]\nreason = \"REASON: why this is accepted\"\n"
    );

    // reclint.toml is read again: a rule it turns off is gone.
    std::fs::write(dir.join("reclint.toml"), "[rules]\nignore = [\"REC012\"]\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": root.join("reclint.toml").unwrap().to_string(), "type": 1}]}),
    );
    let after = client.diagnostics(&uri);
    assert!(!after.is_empty());
    assert!(after.iter().all(|d| d["code"] != "REC012"), "{after:?}");

    client.request("shutdown", json!(null));
    client.notify("exit", json!(null));
    assert!(client.child.wait().unwrap().success());
}

#[test]
fn neovim_as_the_client() {
    let available = Command::new("nvim")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !available {
        eprintln!("SKIPPED: nvim is not installed (apt-get install neovim)");
        return;
    }
    let dir = tree("server-neovim", &[("extensions.conf", BAD)]);
    let script = common::root().join("tests/server/neovim.lua");
    let output = Command::new("nvim")
        .args(["--headless", "--clean", "-n", "-u", "NONE"])
        .arg("-c")
        .arg(format!("luafile {}", script.display()))
        .arg("extensions.conf")
        .current_dir(&dir)
        .env("RECLINT", env!("CARGO_BIN_EXE_reclint"))
        .stdin(Stdio::null())
        .output()
        .expect("nvim runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{text}");
    assert!(text.contains("diagnostic REC001 line 3"), "{text}");
}
