//! `cluster scheduler`, `cluster executor` and `sql --cluster` (Ballista).

use std::io::{self, Write};

use arena_recordings::{Corpus, RunOptions};
use arena_recordings_cluster::{
    bind, host_port, run_executor, run_query, run_scheduler, ClusterError, ExecutorOptions, SchedulerOptions,
};
use arena_recordings_sql::{LoadOptions, QueryError};

use crate::{output_error, ClusterRole, Exit, SqlFormat, EXIT_IO, EXIT_OK, EXIT_USAGE};

/// Runs `query` on the cluster at `url` and prints its rows; returns the exit code.
pub fn sql(
    url: &str,
    query: &str,
    corpus: &Corpus,
    opts: &RunOptions,
    format: SqlFormat,
) -> Result<u8, Exit> {
    let partitions = if opts.threads == 0 { default_partitions() } else { opts.threads };
    let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let format = crate::sql::output_format(format);
    match run_query(url, query, corpus, partitions, LoadOptions::from(opts), format, &mut out) {
        Ok(_) => Ok(EXIT_OK),
        Err(ClusterError::Query(QueryError::Output(e))) => Err(output_error(e)),
        Err(ClusterError::Query(QueryError::Query(e))) => {
            eprintln!("error: query failed on the cluster at {url}: {e}");
            Err(Exit(EXIT_USAGE))
        }
        Err(e) => {
            eprintln!("error: {e}");
            Err(Exit(EXIT_USAGE))
        }
    }
}

/// Partitions when -j is not given: enough for a few executors' cores.
fn default_partitions() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()) * 4
}

/// Runs a scheduler or an executor until it stops; returns the exit code.
pub fn role(role: &ClusterRole) -> Result<u8, Exit> {
    init_logging();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| {
        eprintln!("error: cannot start the runtime: {e}");
        Exit(EXIT_IO)
    })?;
    let started = runtime.block_on(async {
        match role {
            ClusterRole::Scheduler { bind: address, external_host, executor_timeout } => {
                let listener = bind(address).await.map_err(|e| (EXIT_USAGE, e))?;
                let local =
                    listener.local_addr().map_err(|e| (EXIT_USAGE, ClusterError::Service(e.to_string())))?;
                let options = SchedulerOptions {
                    external_host: external_host.clone().unwrap_or_else(|| "localhost".into()),
                    executor_timeout_secs: *executor_timeout,
                };
                announce(&format!("scheduler listening on {local}"));
                run_scheduler(listener, &options).await.map_err(|e| (EXIT_IO, e))
            }
            ClusterRole::Executor { scheduler, bind: address, threads, external_host, work_dir } => {
                let scheduler = host_port(scheduler, "--scheduler").map_err(|e| (EXIT_USAGE, e))?;
                let (host, mut port) = host_port(address, "--bind").map_err(|e| (EXIT_USAGE, e))?;
                if port == 0 {
                    // The executor advertises its port, so a free one is chosen here.
                    let probe = std::net::TcpListener::bind((host.as_str(), 0))
                        .and_then(|l| l.local_addr())
                        .map_err(|e| (EXIT_USAGE, ClusterError::Usage(format!("--bind {address}: {e}"))))?;
                    port = probe.port();
                }
                let options = ExecutorOptions {
                    scheduler: scheduler.clone(),
                    bind: (host.clone(), port),
                    external_host: external_host.clone(),
                    slots: threads.map_or(0, usize::from),
                    work_dir: work_dir.clone(),
                };
                announce(&format!(
                    "executor on {host}:{port}, connecting to the scheduler at {}:{}",
                    scheduler.0, scheduler.1
                ));
                run_executor(&options).await.map_err(|e| {
                    let code = if e.to_string().contains("connect") { EXIT_USAGE } else { EXIT_IO };
                    (code, e)
                })
            }
        }
    });
    match started {
        Ok(()) => Ok(EXIT_OK),
        Err((code, e)) => {
            eprintln!("error: {e}");
            Err(Exit(code))
        }
    }
}

/// One line on standard error, flushed (scripts wait for it).
fn announce(line: &str) {
    let mut err = io::stderr().lock();
    let _ = writeln!(err, "{line}");
    let _ = err.flush();
}

/// Ballista's log (warnings and errors by default; `RUST_LOG` sets more).
fn init_logging() {
    let env = env_logger::Env::default().default_filter_or("warn");
    let _ = env_logger::Builder::from_env(env).format_timestamp_millis().try_init();
}
