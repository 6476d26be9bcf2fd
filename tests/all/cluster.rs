//! `cluster scheduler`, `cluster executor` and `sql --cluster` (built with
//! `--features cluster`), as processes: a cluster on ephemeral ports answers
//! as the local `sql` with relative sources; an executor killed in the middle
//! of a query never gives a silently partial answer; an unreachable
//! scheduler is exit 2 naming its address.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::support::{run_in, BIN};

/// A child process killed when dropped, with its stderr lines on a channel.
struct Role {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Role {
    fn start(args: &[&str], log: &str) -> Role {
        let mut child = Command::new(BIN)
            .args(args)
            .env("RUST_LOG", log)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start arena-recordings cluster");
        let stderr = child.stderr.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Role { child, lines }
    }

    /// The first stderr line containing `needle`, waiting at most `secs`.
    fn wait_for(&self, needle: &str, secs: u64) -> String {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(_) => {}
                Err(_) => panic!("no line with {needle:?} within {secs} s"),
            }
        }
    }
}

impl Drop for Role {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A scheduler and `n` executors (one task slot each) on ephemeral ports;
/// returns them and the `df://` URL. Executor logs are at `log`.
fn cluster(n: usize, log: &str) -> (Role, Vec<Role>, String) {
    let scheduler =
        Role::start(&["cluster", "scheduler", "--bind", "127.0.0.1:0", "--executor-timeout", "3"], "warn");
    let line = scheduler.wait_for("scheduler listening on ", 60);
    let address = line.rsplit(' ').next().unwrap().to_owned();
    let executors = (0..n)
        .map(|_| {
            let e = Role::start(
                &["cluster", "executor", "--scheduler", &address, "--bind", "127.0.0.1:0", "-j", "1"],
                log,
            );
            e.wait_for("executor on 127.0.0.1:", 60);
            e
        })
        .collect();
    (scheduler, executors, format!("df://{address}"))
}

/// A generated corpus plus a corrupt file, in `dir`.
fn corpus(dir: &Path, files: &str) {
    let o = run_in(dir, &["generate", "gen", "--files", files, "--seed", "3", "--media-kb", "2"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    std::fs::write(dir.join("gen/broken.recording.json"), "{\"events\": [{\"type\": ").unwrap();
}

fn sorted(s: &str) -> Vec<&str> {
    let mut v: Vec<&str> = s.lines().collect();
    v.sort_unstable();
    v
}

const QUERY: &str = "SELECT r.format, m.role, count(*) AS n, sum(length(m.content)) AS chars \
FROM recordings r JOIN messages m ON m.recording_id = r.id GROUP BY r.format, m.role";

#[test]
fn a_cluster_of_processes_answers_as_the_local_sql_with_relative_sources() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path(), "60");
    let (_s, _e, url) = cluster(2, "warn");
    let queries = [
        QUERY,
        "SELECT id, source, error_kind, error_message, error_line FROM recordings WHERE error_kind IS NOT NULL",
        "SELECT recording_id, message_index, id, name FROM tool_calls",
    ];
    for q in queries {
        for format in ["json", "csv"] {
            let local = run_in(dir.path(), &["sql", q, "gen", "--format", format, "-j", "2"]);
            assert_eq!(local.code, 0, "{}", local.stderr);
            let remote =
                run_in(dir.path(), &["sql", "--cluster", &url, q, "gen", "--format", format, "-j", "4"]);
            assert_eq!(remote.code, 0, "{q}: {}", remote.stderr);
            assert_eq!(sorted(&remote.stdout), sorted(&local.stdout), "{q} ({format})");
            assert!(!local.stdout.trim().is_empty());
        }
    }
    // The corrupt file is a row naming it as the client's source did.
    let o = run_in(dir.path(), &["sql", "--cluster", &url, queries[1], "gen", "--format", "json"]);
    assert!(o.stdout.contains("\"id\":\"gen/broken.recording.json\""), "{}", o.stdout);
}

#[test]
fn an_executor_killed_mid_query_never_gives_a_partial_answer() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path(), "400");
    let local = run_in(dir.path(), &["sql", QUERY, "gen", "--format", "json"]);
    assert_eq!(local.code, 0, "{}", local.stderr);
    // Executor 0 logs the tasks it receives: it is killed on its first one.
    let (_s, mut executors, url) = cluster(2, "warn,ballista_executor::execution_loop=info");
    let query = Command::new(BIN)
        .args(["sql", "--cluster", &url, QUERY, "gen", "--format", "json", "-j", "8"])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    executors[0].wait_for("Received task", 120);
    executors[0].child.kill().unwrap();
    executors[0].child.wait().unwrap();
    let o = query.wait_with_output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    eprintln!(
        "killed executor 0 mid-query: exit {:?}, {} rows, stderr: {stderr}",
        o.status.code(),
        stdout.lines().count()
    );
    if o.status.success() {
        // Ballista ran the lost tasks again on the other executor: the whole answer.
        assert_eq!(sorted(&stdout), sorted(&local.stdout), "an answer after a lost executor must be whole");
    } else {
        // Or a clear failure, with no rows printed.
        assert_eq!(o.status.code(), Some(2), "{stderr}");
        assert!(stdout.is_empty(), "a failed query printed rows: {stdout}");
        assert!(stderr.contains("error: query failed on the cluster"), "{stderr}");
    }
}

#[test]
fn an_unreachable_scheduler_is_exit_2_naming_the_address() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.jsonl"), "{\"messages\":[]}\n").unwrap();
    let url = format!("df://127.0.0.1:{port}");
    let o = run_in(dir.path(), &["sql", "--cluster", &url, "SELECT count(*) FROM recordings", "a.jsonl"]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains(&format!("cannot reach the scheduler at 127.0.0.1:{port}")), "{}", o.stderr);
    assert!(o.stdout.is_empty());
    // A bad URL is a usage error naming the expected form.
    let o = run_in(dir.path(), &["sql", "--cluster", "http://x:1", "SELECT 1", "a.jsonl"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("df://HOST:PORT"), "{}", o.stderr);
}
