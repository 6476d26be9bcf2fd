//! # Brief overview
//!
//! The recording tables of `arena_recordings_sql` (`recordings`, `messages`,
//! `tool_calls`) on an [Apache DataFusion Ballista](https://datafusion.apache.org/ballista/)
//! cluster: a scheduler plans the query, executors load the files and run
//! the stages, the client prints the same rows as a local `sql`.
//!
//! * [`codec`]: the logical and physical extension codecs, which carry a
//!   [`RecordingTable`] (client → scheduler) and a
//!   [`RecordingScanExec`](arena_recordings_sql::RecordingScanExec)
//!   (scheduler → executors); every other node goes through Ballista's own
//!   codecs. All three roles must use them: [`session_config`] (client),
//!   [`run_scheduler`], [`run_executor`].
//! * [`run_query`]: the client. Sources are enumerated on the client and
//!   resolved to absolute paths ([`absolute_files`]); the executors read
//!   them there, so **every executor must see the same files at the same
//!   paths** (a shared file system: NFS, a cluster file system, or the same
//!   copy on every machine). The rows name files as the client's sources
//!   do, so a query answers exactly as it does locally.
//!
//! Scheduling is pull-based: executors connect to the scheduler and ask for
//! tasks, so only the scheduler's port and each executor's Flight port
//! (shuffle data) need to be reachable.

pub mod codec;

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use arena_recordings::Corpus;
use arena_recordings_sql::datafusion;
use arena_recordings_sql::{
    write_query, LoadOptions, OutputFormat, QueryError, RecordingTable, SourceFile, Table,
};
use ballista::prelude::{SessionConfigExt, SessionContextExt};
use ballista_core::config::TaskSchedulingPolicy;
use ballista_executor::executor_process::{start_executor_process, ExecutorProcessConfig};
use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::config::SchedulerConfig;
use ballista_scheduler::scheduler_process::{create_scheduler, start_grpc_service_with_listener};
use datafusion::execution::context::{SessionConfig, SessionContext};
use datafusion::execution::SessionStateBuilder;
use datafusion_proto::protobuf::{LogicalPlanNode, PhysicalPlanNode};

pub use codec::{RecordingLogicalCodec, RecordingPhysicalCodec};

/// Why a cluster command failed.
#[derive(Debug)]
pub enum ClusterError {
    /// A bad address or option (the message says which).
    Usage(String),
    /// The scheduler could not be reached at this address.
    Unreachable {
        /// The address as given.
        address: String,
        /// What the connection attempt said.
        error: String,
    },
    /// The query failed (the message says why) or its rows could not be written.
    Query(QueryError),
    /// The scheduler or executor stopped with an error.
    Service(String),
}

impl fmt::Display for ClusterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClusterError::Usage(m) => f.write_str(m),
            ClusterError::Unreachable { address, error } => {
                write!(f, "cannot reach the scheduler at {address}: {error}")
            }
            ClusterError::Query(e) => write!(f, "{e}"),
            ClusterError::Service(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for ClusterError {}

/// `HOST:PORT` split, with the port checked (`what` names the option in errors).
pub fn host_port(address: &str, what: &str) -> Result<(String, u16), ClusterError> {
    let bad = |why: &str| ClusterError::Usage(format!("{what} {address:?}: {why} (expected HOST:PORT)"));
    let (host, port) = address.rsplit_once(':').ok_or_else(|| bad("no port"))?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() {
        return Err(bad("no host"));
    }
    let port: u16 = port.parse().map_err(|_| bad("the port is not a number from 0 to 65535"))?;
    Ok((host.to_owned(), port))
}

/// The scheduler address of a `df://HOST:PORT` URL (`HOST:PORT` alone is accepted too).
pub fn scheduler_of_url(url: &str) -> Result<(String, u16), ClusterError> {
    let rest = match url.split_once("://") {
        Some(("df", rest)) => rest,
        Some((scheme, _)) => {
            return Err(ClusterError::Usage(format!(
                "--cluster {url:?}: the scheme is {scheme:?}, expected df://HOST:PORT"
            )))
        }
        None => url,
    };
    host_port(rest.trim_end_matches('/'), "--cluster")
}

/// The session configuration every role uses: Ballista's, with this
/// project's codecs, `partitions` target partitions (at least 1) and the
/// information schema (as the local `sql`).
pub fn session_config(partitions: usize) -> SessionConfig {
    SessionConfig::new_with_ballista()
        .with_ballista_logical_extension_codec(Arc::new(RecordingLogicalCodec::default()))
        .with_ballista_physical_extension_codec(Arc::new(RecordingPhysicalCodec::default()))
        .with_target_partitions(partitions.max(1))
        .with_information_schema(true)
}

/// How the scheduler runs.
#[derive(Debug, Clone)]
pub struct SchedulerOptions {
    /// The host name executors and clients use to reach it (advertised).
    pub external_host: String,
    /// Seconds without a word from an executor before it is declared lost and
    /// its tasks are run again elsewhere.
    pub executor_timeout_secs: u64,
}

impl Default for SchedulerOptions {
    fn default() -> Self {
        SchedulerOptions { external_host: "localhost".into(), executor_timeout_secs: 30 }
    }
}

/// Serves a scheduler on `listener` (bound by the caller: the address is
/// known before it serves, port 0 works) until it fails.
pub async fn run_scheduler(
    listener: tokio::net::TcpListener,
    options: &SchedulerOptions,
) -> Result<(), ClusterError> {
    let addr = listener.local_addr().map_err(|e| ClusterError::Service(format!("scheduler: {e}")))?;
    let config = SchedulerConfig {
        bind_host: addr.ip().to_string(),
        bind_port: addr.port(),
        external_host: options.external_host.clone(),
        scheduling_policy: TaskSchedulingPolicy::PullStaged,
        override_config_producer: Some(Arc::new(|| session_config(1))),
        override_logical_codec: Some(Arc::new(RecordingLogicalCodec::default())),
        override_physical_codec: Some(Arc::new(RecordingPhysicalCodec::default())),
        executor_timeout_seconds: options.executor_timeout_secs.max(1),
        expire_dead_executor_interval_seconds: (options.executor_timeout_secs / 4).clamp(1, 15),
        no_executors_grace_period_seconds: options.executor_timeout_secs.max(1),
        ..Default::default()
    };
    let service = |e: ballista_core::error::BallistaError| ClusterError::Service(format!("scheduler: {e}"));
    let cluster = BallistaCluster::new_from_config(&config).await.map_err(service)?;
    let scheduler = create_scheduler::<LogicalPlanNode, PhysicalPlanNode>(cluster, Arc::new(config))
        .await
        .map_err(service)?;
    start_grpc_service_with_listener(listener, scheduler).await.map_err(service)
}

/// How an executor runs.
#[derive(Debug, Clone)]
pub struct ExecutorOptions {
    /// The scheduler's host and port.
    pub scheduler: (String, u16),
    /// Where its Arrow Flight service (shuffle data) listens.
    pub bind: (String, u16),
    /// The host name other executors and clients use to reach it; by
    /// default the bind host.
    pub external_host: Option<String>,
    /// Tasks run at once (0: one per core).
    pub slots: usize,
    /// Where shuffle data is written (default: a new temporary directory).
    pub work_dir: Option<PathBuf>,
}

/// Runs an executor until it is stopped (Ctrl-C, SIGTERM) or fails.
pub async fn run_executor(options: &ExecutorOptions) -> Result<(), ClusterError> {
    let slots = if options.slots == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        options.slots
    };
    let config = ExecutorProcessConfig {
        bind_host: options.bind.0.clone(),
        port: options.bind.1,
        external_host: Some(
            options.external_host.clone().unwrap_or_else(|| advertised_host(&options.bind.0)),
        ),
        scheduler_host: options.scheduler.0.clone(),
        scheduler_port: options.scheduler.1,
        // Wait for a scheduler that is still starting.
        scheduler_connect_timeout_seconds: 30,
        vcores: slots,
        task_scheduling_policy: TaskSchedulingPolicy::PullStaged,
        work_dir: options.work_dir.as_ref().map(|p| p.display().to_string()),
        print_thread_info: false,
        executor_heartbeat_interval_seconds: 5,
        override_config_producer: Some(Arc::new(move || session_config(slots))),
        override_logical_codec: Some(Arc::new(RecordingLogicalCodec::default())),
        override_physical_codec: Some(Arc::new(RecordingPhysicalCodec::default())),
        ..Default::default()
    };
    start_executor_process(Arc::new(config))
        .await
        .map_err(|e| ClusterError::Service(format!("executor: {e}")))
}

/// The host name an executor bound to `bind_host` advertises by default:
/// the bind host itself, or for a wildcard (`0.0.0.0`, `::`) this machine's
/// host name (the others cannot connect to a wildcard).
pub fn advertised_host(bind_host: &str) -> String {
    let wildcard = bind_host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_unspecified());
    if !wildcard {
        return bind_host.to_owned();
    }
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

/// The corpus's files with absolute locations (ids stay as enumerated), for
/// executors that do not share the client's working directory.
pub fn absolute_files(corpus: &Corpus) -> Result<Arc<[SourceFile]>, ClusterError> {
    RecordingTable::files_of(corpus)
        .iter()
        .map(|f| {
            let location = std::path::absolute(Path::new(&f.path))
                .map_err(|e| ClusterError::Usage(format!("{}: cannot resolve the path: {e}", f.path)))?;
            Ok(SourceFile { location: location.display().to_string(), ..f.clone() })
        })
        .collect()
}

/// A client session on the scheduler at `(host, port)`, with the corpus's
/// three tables registered. The scheduler is reached once first, so an
/// unreachable one is [`ClusterError::Unreachable`].
pub async fn connect(
    scheduler: &(String, u16),
    corpus: &Corpus,
    partitions: usize,
    load: LoadOptions,
) -> Result<SessionContext, ClusterError> {
    let address = format!("{}:{}", scheduler.0, scheduler.1);
    let unreachable = |error: String| ClusterError::Unreachable { address: address.clone(), error };
    match tokio::time::timeout(Duration::from_secs(10), tokio::net::TcpStream::connect(&address)).await {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => return Err(unreachable(e.to_string())),
        Err(_) => return Err(unreachable("no answer within 10 s".into())),
    }
    let files = absolute_files(corpus)?;
    let state =
        SessionStateBuilder::new().with_config(session_config(partitions)).with_default_features().build();
    let ctx = SessionContext::remote_with_state(&format!("df://{address}"), state)
        .await
        .map_err(|e| unreachable(e.to_string()))?;
    for table in Table::ALL {
        ctx.register_table(table.name(), Arc::new(RecordingTable::new(table, files.clone(), load)))
            .map_err(|e| ClusterError::Query(QueryError::from(e)))?;
    }
    Ok(ctx)
}

/// Runs `query` over the corpus on the cluster and writes its rows to
/// `out` as a local `sql` would; returns the number of rows.
pub fn run_query(
    url: &str,
    query: &str,
    corpus: &Corpus,
    partitions: usize,
    load: LoadOptions,
    format: OutputFormat,
    out: &mut dyn Write,
) -> Result<u64, ClusterError> {
    let scheduler = scheduler_of_url(url)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("cluster-client")
        .build()
        .map_err(|e| ClusterError::Query(QueryError::Output(e)))?;
    runtime.block_on(async {
        let ctx = connect(&scheduler, corpus, partitions, load).await?;
        write_query(&ctx, query, format, out).await.map_err(ClusterError::Query)
    })
}

/// Binds `address` (`HOST:PORT`) for a scheduler.
pub async fn bind(address: &str) -> Result<tokio::net::TcpListener, ClusterError> {
    let (host, port) = host_port(address, "--bind")?;
    tokio::net::TcpListener::bind((host.as_str(), port))
        .await
        .map_err(|e| ClusterError::Usage(format!("--bind {address}: {e}")))
}
