//! Measures how long `reclint server` takes to answer a `didChange` of a
//! large dialplan with its diagnostics: from sending the change to receiving
//! the `publishDiagnostics` for the file, the server's debounce included.
//!
//! ```text
//! cargo run --release --example server-didchange -- RECLINT DIR [--changes N] [--pause MS]
//! ```
//!
//! DIR holds the dialplan (`DIR/extensions.conf`, e.g. written by
//! `gen-dialplan --files 1`). Each change appends a comment line to the
//! text, so the file really changes and is analysed again. Prints one time
//! per change in milliseconds, then the median and the largest.

use std::io::{BufRead, BufReader, Write};
use std::process::{ChildStdin, Command, ExitCode, Stdio};
use std::time::Instant;

use serde_json::{Value, json};

fn send(stdin: &mut ChildStdin, message: Value) -> std::io::Result<()> {
    let body = message.to_string();
    write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len())?;
    stdin.flush()
}

fn receive(stdout: &mut impl BufRead) -> Option<Value> {
    let mut length = 0;
    loop {
        let mut header = String::new();
        if stdout.read_line(&mut header).ok()? == 0 {
            return None;
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some(n) = header.strip_prefix("Content-Length: ") {
            length = n.parse().ok()?;
        }
    }
    let mut body = vec![0; length];
    stdout.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// Reads messages until the diagnostics of `uri` arrive.
fn diagnostics_of(stdout: &mut impl BufRead, uri: &str) -> Option<usize> {
    loop {
        let message = receive(stdout)?;
        if message["method"] == "textDocument/publishDiagnostics" && message["params"]["uri"] == uri
        {
            return message["params"]["diagnostics"].as_array().map(Vec::len);
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(reclint), Some(dir)) = (args.first(), args.get(1)) else {
        eprintln!("usage: server-didchange RECLINT DIR [--changes N] [--pause MS]");
        return ExitCode::from(2);
    };
    let option = |name: &str, default: u64| match args.iter().position(|a| a == name) {
        Some(i) => args
            .get(i + 1)
            .and_then(|n| n.parse().ok())
            .unwrap_or(default),
        None => default,
    };
    let pause = std::time::Duration::from_millis(option("--pause", 300));
    match run(reclint, dir, option("--changes", 20) as usize, pause) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("server-didchange: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(reclint: &str, dir: &str, changes: usize, pause: std::time::Duration) -> Result<(), String> {
    let dir = std::fs::canonicalize(dir).map_err(|e| format!("{dir}: {e}"))?;
    let path = dir.join("extensions.conf");
    let mut text = std::fs::read_to_string(&path).map_err(|e| format!("{path:?}: {e}"))?;
    let uri = format!("file://{}", path.display());
    let mut child = Command::new(reclint)
        .arg("server")
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{reclint}: {e}"))?;
    let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        return Err("no pipes to the server".into());
    };
    let mut stdout = BufReader::new(stdout);
    let io = |e: std::io::Error| e.to_string();
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
               "params": {"processId": null, "rootUri": format!("file://{}", dir.display()), "capabilities": {}}}),
    )
    .map_err(io)?;
    receive(&mut stdout).ok_or("no answer to initialize")?;
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    )
    .map_err(io)?;
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen",
               "params": {"textDocument": {"uri": uri, "languageId": "asterisk", "version": 1, "text": text}}}),
    )
    .map_err(io)?;
    let found = diagnostics_of(&mut stdout, &uri).ok_or("no diagnostics on open")?;
    println!(
        "{} lines, {found} diagnostics on open",
        text.lines().count()
    );
    let mut times = Vec::with_capacity(changes);
    for version in 0..changes {
        std::thread::sleep(pause);
        text.push_str(&format!("; edit {version}\n"));
        let start = Instant::now();
        send(
            &mut stdin,
            json!({"jsonrpc": "2.0", "method": "textDocument/didChange",
                   "params": {"textDocument": {"uri": uri, "version": version + 2},
                              "contentChanges": [{"text": text}]}}),
        )
        .map_err(io)?;
        diagnostics_of(&mut stdout, &uri).ok_or("no diagnostics after a change")?;
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        println!("didChange {}: {ms:.1} ms", version + 1);
        times.push(ms);
    }
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}),
    )
    .map_err(io)?;
    send(&mut stdin, json!({"jsonrpc": "2.0", "method": "exit"})).map_err(io)?;
    let _ = child.wait();
    times.sort_by(f64::total_cmp);
    if let (Some(median), Some(max)) = (times.get(times.len() / 2), times.last()) {
        println!("median {median:.1} ms, max {max:.1} ms over {changes} changes");
    }
    Ok(())
}
