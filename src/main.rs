//! `arena-recordings`: list, export, scan and evaluate corpora of PromptKit
//! Arena recordings. Data goes to stdout, progress and diagnostics to stderr.
//!
//! This file only parses arguments and maps outcomes to exit codes; the
//! work is done by the library ([`arena_recordings::Corpus`]).

#[cfg(feature = "cluster")]
mod cluster;
mod eval;
mod export;
#[cfg(feature = "parquet")]
mod parquet;
mod progress;
mod scan;
#[cfg(feature = "sql")]
mod sql;

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use arena_recordings::{Corpus, Registry, RunOptions};
use clap::{Args, Parser, Subcommand, ValueEnum};

/// Every reference loaded.
const EXIT_OK: u8 = 0;
/// Output could not be written (other than a closed pipe).
const EXIT_IO: u8 = 1;
/// Bad flag, unknown type hint, or a source that matches nothing.
const EXIT_USAGE: u8 = 2;
/// Some references failed to load (all others were still processed).
const EXIT_FAILED: u8 = 3;

#[derive(Parser, Debug)]
#[command(
    name = "arena-recordings",
    version,
    about = "List, export, scan and evaluate corpora of recorded LLM conversations (PromptKit Arena, \
OpenAI chat and Batch, ShareGPT, inspect_ai, OpenTelemetry GenAI)",
    long_about = "List, export, scan and evaluate corpora of recorded LLM conversations: PromptKit's \
formats (session recordings, Arena run output, transcripts) and OpenAI chat JSONL, OpenAI Batch \
request/result files, ShareGPT datasets, inspect_ai eval logs (.json, .eval) and OpenTelemetry \
GenAI traces (OTLP JSON).\n\n\
A SOURCE is a file, a directory (walked recursively; files whose names an adapter claims, \
or every file with --type; hidden entries skipped) or a glob pattern (quote it; `**` matches \
any number of directories). Several sources may be given; the files are sorted by path and \
duplicates removed. The format is decided per file from its name and content (or --type): \
`.jsonl` and `.json` files are recognised by their keys (resourceSpans, custom_id, \
conversations, messages; an inspect_ai log's version and eval), `.eval` is inspect_ai.\n\n\
A file may hold many recordings; each is one reference, whose id is the path plus a fragment: \
`path#L<n>` (a JSON Lines line, 1-based), `path#item=<i>` (a JSON array element, 0-based), \
`path#sample=<id>,epoch=<n>` (an inspect_ai sample), `path#trace=<id>` (an OpenTelemetry trace). \
Each file is read and parsed once, and a line or sample that fails is one failed reference.\n\n\
Not read (on purpose): a single OpenAI chat object in a .json file without --type openai_chat \
(it is Arena output by PromptKit's rules); joining Batch result files to their requests; \
inspect_ai's chunked sample layout and schema-1 logs; OTLP resourceLogs, protobuf, Jaeger/Zipkin \
and the flattened gen_ai.prompt.<i> attributes.",
    after_help = "Exit codes: 0 every reference loaded; 3 some failed (everything else was still \
processed); 2 usage error (bad flag, unknown type hint, a source matching nothing); 1 output \
could not be written; eval also exits 4 when some assertion failed.\n\nExamples:\n  arena-recordings scan corpus\n  arena-recordings ls 'runs/**/*.json' --type arena\n  \
arena-recordings export corpus -o corpus.jsonl"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// List the references the sources expand to, one per line.
    #[command(
        long_about = "List the references the sources expand to, one per line, in the order export \
and scan process them: `<id><TAB><type_hint>`, or with --format json one JSON object \
{\"id\",\"source\",\"type_hint\"} per line. Files of PromptKit's formats are not read; files \
that may hold many recordings (JSON Lines, JSON arrays, inspect_ai logs, OTLP) are read to list \
each recording (`path#L7`, `path#item=0`, ...).",
        after_help = "Example:\n  arena-recordings ls corpus --format json"
    )]
    Ls {
        #[command(flatten)]
        sources: Sources,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Load every reference and write it as JSON Lines, in enumeration order.
    #[command(
        long_about = "Load every reference and write one JSON object per reference, in enumeration \
order (JSON Lines). A loaded recording is {\"id\",\"source\",\"type_hint\",\"messages\":[...],\
\"metadata\":{...}} with messages and metadata in PromptKit's JSON form (plus \"warnings\":[...] \
when the loader noticed something); a failed one is {\"id\",\"source\",\"type_hint\",\"error\":\
{\"kind\",\"message\",\"line\",\"column\",\"offset\"}} (null where unknown). Files are loaded in \
parallel; output order never depends on the thread count.",
        after_help = "With --format parquet (a build with `--features parquet` or `--features sql`), \
-o DIR is required and DIR/recordings.parquet, DIR/messages.parquet and DIR/tool_calls.parquet are \
written (the tables the README documents; a failed file is a row of recordings with error_kind and \
error_message).\n\nExamples:\n  arena-recordings export corpus/sample/session -j 2 -o sessions.jsonl\n  \
arena-recordings export corpus --format parquet -o corpus-parquet"
    )]
    Export {
        #[command(flatten)]
        sources: Sources,
        #[command(flatten)]
        run: Run,
        /// Write to FILE instead of standard output (with --format parquet: the
        /// directory to write the three .parquet files into, created if missing).
        #[arg(short, long, value_name = "FILE")]
        output: Option<std::path::PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ExportFormat::Jsonl)]
        format: ExportFormat,
    },
    /// Load every reference and report counts, throughput and the first errors.
    #[command(
        long_about = "Load every reference (in parallel, nothing kept) and report files, loaded, \
failed, warnings, messages by role, tool calls, bytes, seconds, MB/s, the same per format, and \
the first errors as path:line:column. With --format json, one JSON object with at least \
files, loaded, failed, messages, tool_calls, bytes and seconds.",
        after_help = "Example:\n  arena-recordings scan corpus\n  arena-recordings scan 'corpus/**/*.json' -j 1 --format json"
    )]
    Scan {
        #[command(flatten)]
        sources: Sources,
        #[command(flatten)]
        run: Run,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Evaluate recordings with a PromptKit Eval config (deterministic assertions).
    #[command(
        long_about = "Evaluate every recording with a PromptKit Eval config (kind: Eval, as Arena \
reads it): turn assertions (turns[].all_turns.assertions) on each assistant message, seeing the \
conversation up to it, then conversation assertions on the whole conversation. Every \
deterministic handler runs (contains, regex, json_schema, tools_called, cost_budget, ...); \
handlers that need an LLM judge or another service are reported not run (passed: false), or \
skipped (passed: true) with --skip-judges. A `when` condition not met is skipped (passed: true).\n\n\
With no SOURCE, the config's spec.recording.path (relative to the config's folder; globs \
allowed) is evaluated with spec.recording.type as the type hint; SOURCEs (files, directories, \
globs, as for export) replace it. Recordings are loaded and evaluated in parallel; output is in \
enumeration order whatever -j is.\n\n\
--format jsonl writes one object per recording: {\"id\",\"eval_id\",\"passed\",\"results\":[{\"scope\",\
\"turn\",\"type\",\"canonical_type\",\"passed\",\"score\",\"skipped\",\"not_run\",\"message\"}]}, \
or {\"id\",\"eval_id\",\"error\":{\"kind\",\"message\",\"line\",\"column\",\"offset\"}} for a recording \
that failed to load. text (the default) writes PASS|FAIL|ERROR <id> (<passed>/<total>) per \
recording with its failures, then pass rates per assertion, the first failing recordings and \
totals; junit and markdown write Arena's report layouts.",
        after_help = "Exit codes: 0 every assertion passed; 4 some assertion failed or was not run; \
3 some recording failed to load (the others were still evaluated); 2 usage or config error \
(the message names the config's line and column); 1 output could not be written.\n\n\
Examples:\n  arena-recordings eval corpus/eval/sample.eval.yaml\n  \
arena-recordings eval checks.eval.yaml 'runs/**/*.json' --format jsonl -o results.jsonl\n  \
arena-recordings eval checks.eval.yaml runs --format junit -o junit.xml --skip-judges"
    )]
    Eval {
        /// The Eval config (YAML, kind: Eval).
        #[arg(value_name = "CONFIG.eval.yaml")]
        config: std::path::PathBuf,
        /// Files, directories or glob patterns [default: the config's spec.recording.path].
        #[arg(value_name = "SOURCE")]
        sources: Vec<String>,
        /// Report format.
        #[arg(long, value_enum, default_value_t = eval::EvalFormat::Text)]
        format: eval::EvalFormat,
        /// Write to FILE instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<std::path::PathBuf>,
        #[command(flatten)]
        run: Run,
        /// Report assertions that need an LLM judge or another service as
        /// skipped (passed) instead of not run (failed).
        #[arg(long)]
        skip_judges: bool,
    },
    /// Run a SQL query over the recordings, messages and tool_calls tables of the sources.
    #[command(
        long_about = "Run one SQL query (DataFusion's dialect) over three tables of the sources: \
recordings (one row per file, failed files included with error_kind and error_message), messages \
(one row per message) and tool_calls (one row per tool call); the README lists their columns. \
Files are spread over -j partitions and loaded in parallel; only the tables and columns the query \
uses are built. Rows go to standard output as a table, CSV (with a header) or JSON Lines (one \
object per row). Needs a build with `--features sql`.\n\n\
With --cluster df://HOST:PORT (a build with `--features cluster`), the query is planned by that \
Ballista scheduler (`arena-recordings cluster scheduler`) and run on its executors: the same rows \
as locally. Sources are enumerated here and sent as absolute paths, which every executor must \
be able to read (a shared file system); -j is then the number of partitions the files are \
spread over.",
        after_help = "Exit codes: 0 the query ran (failed files are rows, not errors); 2 bad query or \
usage, or the --cluster scheduler cannot be reached; 1 output could not be written.\n\nExamples:\n  arena-recordings sql \"SELECT role, count(*) AS n \
FROM messages GROUP BY role ORDER BY n DESC\" corpus\n  arena-recordings sql \"SELECT id, error_kind, \
error_message FROM recordings WHERE error_kind IS NOT NULL\" corpus --format json | jq ."
    )]
    Sql {
        /// The query (quote it).
        #[arg(value_name = "QUERY")]
        query: String,
        #[command(flatten)]
        sources: Sources,
        #[command(flatten)]
        run: Run,
        /// Output format.
        #[arg(long, value_enum, default_value_t = SqlFormat::Table)]
        format: SqlFormat,
        /// Run the query on the Ballista cluster whose scheduler is at this URL
        /// (df://HOST:PORT) instead of in this process.
        #[arg(long, value_name = "URL")]
        cluster: Option<String>,
    },
    /// Run a scheduler or an executor of a Ballista cluster for `sql --cluster`.
    #[command(
        long_about = "Run one role of an Apache DataFusion Ballista cluster that answers \
`arena-recordings sql --cluster df://HOST:PORT`: one scheduler plans the queries, executors \
(one or more per machine) load the files and run the query stages. Every executor must read \
the sources at the paths the client sends (absolute paths: share the file system, e.g. NFS, \
or mount the same data at the same path everywhere). Executors connect to the scheduler and \
pull tasks, so the scheduler's port and each executor's --bind port must be reachable from \
the other machines. Both run until stopped (Ctrl-C or SIGTERM). Needs a build with \
`--features cluster`.",
        after_help = "Exit codes: 2 cannot start (bad address, port in use, scheduler unreachable); \
1 the service failed while running.\n\nExamples:\n  arena-recordings cluster scheduler --bind 0.0.0.0:50050\n  \
arena-recordings cluster executor --scheduler sched-host:50050 --bind 0.0.0.0:50051 -j 8\n  \
arena-recordings sql --cluster df://sched-host:50050 \"SELECT count(*) FROM messages\" /shared/corpus"
    )]
    Cluster {
        #[command(subcommand)]
        role: ClusterRole,
    },
    /// Write a deterministic synthetic corpus of realistic recordings.
    #[command(
        long_about = "Write a deterministic corpus of realistic recordings of every format the tool \
reads (session recordings, Arena run output, transcripts, recorder event-store JSONL) into OUTDIR, \
in nested folders: multi-paragraph text with CJK, emoji and accents, JSON escapes, tool calls \
with nested arguments, tool results, base64 image parts, RFC 3339 times with fractions and \
offsets, non-message events. The same seed and options always give the same bytes. Prints \
files, bytes and messages per format.",
        after_help = "Examples:\n  arena-recordings generate /tmp/gen --files 1000 --seed 7 --size-mix\n  arena-recordings scan /tmp/gen\n  \
arena-recordings generate /tmp/ds --dataset sharegpt --size 1G   # /tmp/ds/sharegpt.json\n  \
arena-recordings generate /tmp/ds --dataset openai_chat --size 1G   # /tmp/ds/openai_chat.jsonl"
    )]
    Generate {
        /// Directory to write into (created if missing).
        #[arg(value_name = "OUTDIR")]
        outdir: std::path::PathBuf,
        /// Number of files to write.
        #[arg(long, default_value_t = 100)]
        files: usize,
        /// Seed: the same seed and options give the same bytes.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Size of one inline base64 image, in KiB (0: no inline media).
        #[arg(long, value_name = "K", default_value_t = 32)]
        media_kb: usize,
        /// Draw file sizes from 1 KB to several MB (most small, a few large).
        #[arg(long)]
        size_mix: bool,
        /// Formats to write, comma-separated (session, arena, transcript, eventstore) [default: all].
        #[arg(long, value_delimiter = ',', value_name = "KINDS")]
        kinds: Vec<String>,
        /// Instead of a corpus of files, write one dataset file of many
        /// recordings: `sharegpt` (OUTDIR/sharegpt.json, a JSON array) or
        /// `openai_chat` (OUTDIR/openai_chat.jsonl), of --size bytes.
        #[arg(long, value_name = "KIND")]
        dataset: Option<String>,
        /// Size of the --dataset file: bytes, or with K, M, G (10^3, 10^6, 10^9)
        /// or KiB, MiB, GiB (2^10, 2^20, 2^30); the file ends just past it.
        #[arg(long, value_name = "BYTES", default_value = "64M", requires = "dataset")]
        size: String,
    },
}

/// `cluster` roles.
#[derive(Subcommand, Debug)]
enum ClusterRole {
    /// Run the scheduler: it plans queries and hands their tasks to executors.
    #[command(after_help = "Prints `scheduler listening on HOST:PORT` on standard error once it \
listens (with port 0, the port the system chose).\n\nExample:\n  arena-recordings cluster scheduler --bind 0.0.0.0:50050")]
    Scheduler {
        /// Address to listen on (HOST:PORT; port 0 picks a free one).
        #[arg(long, value_name = "HOST:PORT")]
        bind: String,
        /// Host name executors and clients reach this scheduler by [default: localhost].
        #[arg(long, value_name = "HOST")]
        external_host: Option<String>,
        /// Seconds without a word from an executor before it is declared lost and its
        /// tasks are run again on the others.
        #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
        executor_timeout: u64,
    },
    /// Run an executor: it loads files and runs query stages for the scheduler.
    #[command(after_help = "Prints `executor on HOST:PORT, connecting to the scheduler at HOST:PORT` on \
standard error once it is set up.\n\nExample:\n  arena-recordings cluster executor --scheduler sched-host:50050 --bind 0.0.0.0:50051 -j 8")]
    Executor {
        /// The scheduler's address (HOST:PORT).
        #[arg(long, value_name = "HOST:PORT")]
        scheduler: String,
        /// Address of this executor's Arrow Flight service (shuffle data), which other
        /// executors and clients connect to (HOST:PORT; port 0 picks a free one).
        #[arg(long, value_name = "HOST:PORT")]
        bind: String,
        /// Tasks run at once [default: all cores].
        #[arg(short = 'j', long = "threads", value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
        threads: Option<u16>,
        /// Host name the others reach this executor by [default: the --bind host;
        /// for 0.0.0.0 or ::, this machine's host name].
        #[arg(long, value_name = "HOST")]
        external_host: Option<String>,
        /// Directory for shuffle data [default: a new temporary directory].
        #[arg(long, value_name = "DIR")]
        work_dir: Option<std::path::PathBuf>,
    },
}

#[derive(Args, Debug)]
struct Sources {
    /// Files, directories or glob patterns.
    #[arg(value_name = "SOURCE", required = true)]
    sources: Vec<String>,
    /// Treat every file as this format: session, arena_output, transcript,
    /// generic (detect), openai_chat, openai_batch, sharegpt, inspect, otel_genai.
    /// The hint wins over the file name; the container (JSON Lines, array,
    /// object, zip) is still taken from the bytes.
    #[arg(long = "type", value_name = "HINT")]
    type_hint: Option<String>,
}

#[derive(Args, Debug)]
struct Run {
    /// Worker threads [default: all cores].
    #[arg(short = 'j', long = "threads", value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
    /// Read files of at least BYTES bytes through a read-only memory map
    /// instead of read() (off by default: read() measured faster at every
    /// size; a file truncated while mapped kills the process with SIGBUS).
    #[arg(long, value_name = "BYTES")]
    mmap_above: Option<u64>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    /// Human-readable text.
    Text,
    /// JSON.
    Json,
}

/// `export --format`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum ExportFormat {
    /// JSON Lines, one object per reference.
    Jsonl,
    /// Three Parquet files (recordings, messages, tool_calls) in the -o directory.
    Parquet,
}

/// `sql --format`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum SqlFormat {
    /// A text table.
    Table,
    /// CSV with a header line.
    Csv,
    /// JSON Lines, one object per row.
    Json,
}

impl Run {
    fn options(&self) -> RunOptions {
        let d = RunOptions::default();
        RunOptions {
            threads: self.threads.map_or(0, usize::from),
            mmap_threshold: self.mmap_above.unwrap_or(d.mmap_threshold),
            ..d
        }
    }
}

/// A failure that ends the command with an exit code.
struct Exit(u8);

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The directory walk runs on rayon's global pool: give it the threads the
    // run is given, so that `-j 1` uses one core from start to end.
    if let Command::Export { run, .. }
    | Command::Scan { run, .. }
    | Command::Eval { run, .. }
    | Command::Sql { run, .. } = &cli.command
    {
        if let Some(j) = run.threads {
            // Fails only if the pool already exists: it then keeps its size.
            let _ = rayon::ThreadPoolBuilder::new().num_threads(usize::from(j)).build_global();
        }
    }
    let registry = Registry::new();
    let result = match &cli.command {
        Command::Ls { sources, format } => enumerate(&registry, sources)
            .and_then(|c| ls(&c, &RunOptions::default(), *format).map(|()| walk_code(&c))),
        Command::Export { sources, run, output, format: ExportFormat::Jsonl } => {
            enumerate(&registry, sources).and_then(|c| {
                export::run(&c, &run.options(), output.as_deref()).map(|t| t.max(walk_code(&c)))
            })
        }
        Command::Export { sources, run, output, format: ExportFormat::Parquet } => {
            export_parquet(&registry, sources, run, output.as_deref())
        }
        Command::Sql { query, sources, run, format, cluster: None } => {
            sql(&registry, query, sources, run, *format)
        }
        Command::Sql { query, sources, run, format, cluster: Some(url) } => {
            sql_cluster(&registry, url, query, sources, run, *format)
        }
        Command::Cluster { role } => cluster_role(role),
        Command::Scan { sources, run, format } => enumerate(&registry, sources)
            .and_then(|c| scan::run(&c, &run.options(), *format).map(|t| t.max(walk_code(&c)))),
        Command::Eval { config, sources, format, output, run, skip_judges } => eval::run(&eval::Request {
            config,
            sources,
            format: *format,
            output: output.as_deref(),
            run: run.options(),
            skip_judges: *skip_judges,
        }),
        Command::Generate { outdir, seed, media_kb, dataset: Some(kind), size, .. } => {
            generate_dataset(outdir, kind, size, *seed, *media_kb)
        }
        Command::Generate { outdir, files, seed, media_kb, size_mix, kinds, dataset: None, .. } => {
            generate(outdir, *files, *seed, *media_kb, *size_mix, kinds)
        }
    };
    ExitCode::from(result.unwrap_or_else(|Exit(code)| code))
}

#[cfg(feature = "parquet")]
fn export_parquet(
    registry: &Registry,
    s: &Sources,
    run: &Run,
    output: Option<&std::path::Path>,
) -> Result<u8, Exit> {
    let Some(dir) = output else {
        eprintln!("error: --format parquet needs -o DIR (the directory for the three .parquet files)");
        return Err(Exit(EXIT_USAGE));
    };
    let corpus = enumerate(registry, s)?;
    parquet::run(&corpus, &run.options(), dir).map(|t| t.max(walk_code(&corpus)))
}

#[cfg(not(feature = "parquet"))]
fn export_parquet(_: &Registry, _: &Sources, _: &Run, _: Option<&std::path::Path>) -> Result<u8, Exit> {
    eprintln!(
        "error: this arena-recordings was built without Parquet support; \
rebuild with `cargo build --release --features parquet` (or `--features sql`)"
    );
    Err(Exit(EXIT_USAGE))
}

#[cfg(feature = "sql")]
fn sql(registry: &Registry, query: &str, s: &Sources, run: &Run, format: SqlFormat) -> Result<u8, Exit> {
    let corpus = enumerate(registry, s)?;
    sql::run(query, &corpus, &run.options(), format).map(|t| t.max(walk_code(&corpus)))
}

#[cfg(not(feature = "sql"))]
fn sql(_: &Registry, _: &str, _: &Sources, _: &Run, _: SqlFormat) -> Result<u8, Exit> {
    eprintln!("error: this arena-recordings was built without SQL support; rebuild with `cargo build --release --features sql`");
    Err(Exit(EXIT_USAGE))
}

#[cfg(feature = "cluster")]
fn sql_cluster(
    registry: &Registry,
    url: &str,
    query: &str,
    s: &Sources,
    run: &Run,
    format: SqlFormat,
) -> Result<u8, Exit> {
    let corpus = enumerate(registry, s)?;
    cluster::sql(url, query, &corpus, &run.options(), format).map(|t| t.max(walk_code(&corpus)))
}

#[cfg(feature = "cluster")]
fn cluster_role(role: &ClusterRole) -> Result<u8, Exit> {
    cluster::role(role)
}

#[cfg(not(feature = "cluster"))]
fn sql_cluster(_: &Registry, _: &str, _: &str, _: &Sources, _: &Run, _: SqlFormat) -> Result<u8, Exit> {
    cluster_role_disabled()
}

#[cfg(not(feature = "cluster"))]
fn cluster_role(_: &ClusterRole) -> Result<u8, Exit> {
    cluster_role_disabled()
}

#[cfg(not(feature = "cluster"))]
fn cluster_role_disabled() -> Result<u8, Exit> {
    eprintln!(
        "error: this arena-recordings was built without cluster support; rebuild with \
`cargo build --release --features cluster`"
    );
    Err(Exit(EXIT_USAGE))
}

/// `generate --dataset KIND --size BYTES`: one file of many recordings.
fn generate_dataset(
    outdir: &std::path::Path,
    kind: &str,
    size: &str,
    seed: u64,
    media_kb: usize,
) -> Result<u8, Exit> {
    use arena_recordings_generate::{parse_bytes, DatasetKind, DatasetOptions};
    let Some(kind) = DatasetKind::parse(kind.trim()) else {
        eprintln!("error: unknown dataset kind '{kind}' (sharegpt, openai_chat)");
        return Err(Exit(EXIT_USAGE));
    };
    let Some(bytes) = parse_bytes(size.trim()) else {
        eprintln!("error: bad --size '{size}' (bytes, or a number with K, M, G, KiB, MiB, GiB)");
        return Err(Exit(EXIT_USAGE));
    };
    let path = outdir.join(format!("{}{}", kind.as_str(), kind.extension()));
    let opts = DatasetOptions { kind, bytes, seed, media_kb };
    let report = arena_recordings_generate::generate_dataset(&path, &opts).map_err(|e| {
        eprintln!("error: {}: {e}", path.display());
        Exit(EXIT_FAILED)
    })?;
    let _ = writeln!(
        io::stdout().lock(),
        "{}: {} bytes, {} recordings, {} messages, {} tool calls",
        path.display(),
        report.bytes,
        report.recordings,
        report.messages,
        report.tool_calls
    );
    Ok(EXIT_OK)
}

fn generate(
    outdir: &std::path::Path,
    files: usize,
    seed: u64,
    media_kb: usize,
    size_mix: bool,
    kinds: &[String],
) -> Result<u8, Exit> {
    use arena_recordings_generate::{FileKind, GenerateOptions};
    let mut opts = GenerateOptions { files, seed, media_kb, size_mix, ..GenerateOptions::default() };
    if !kinds.is_empty() {
        opts.kinds = Vec::with_capacity(kinds.len());
        for k in kinds {
            match FileKind::parse(k.trim()) {
                Some(kind) => opts.kinds.push(kind),
                None => {
                    eprintln!("error: unknown kind '{k}' (session, arena, transcript, eventstore)");
                    return Err(Exit(EXIT_USAGE));
                }
            }
        }
    }
    let report = arena_recordings_generate::generate(outdir, &opts).map_err(|e| {
        eprintln!("error: {}: {e}", outdir.display());
        Exit(EXIT_FAILED)
    })?;
    let mut out = io::stdout().lock();
    for k in &report.per_kind {
        let _ = writeln!(
            out,
            "{:<11} {:>7} files {:>14} bytes {:>9} messages",
            k.kind.as_str(),
            k.files,
            k.bytes,
            k.messages
        );
    }
    let _ = writeln!(
        out,
        "{:<11} {:>7} files {:>14} bytes {:>9} messages",
        "total", report.files, report.bytes, report.messages
    );
    Ok(EXIT_OK)
}

/// Exit code for problems met while walking (printed as warnings).
fn walk_code(c: &Corpus) -> u8 {
    if c.walk_errors().is_empty() {
        EXIT_OK
    } else {
        EXIT_FAILED
    }
}

fn enumerate(registry: &Registry, s: &Sources) -> Result<Corpus, Exit> {
    let hint = s.type_hint.as_deref().unwrap_or("").trim();
    if !hint.is_empty() && registry.find_adapter("", hint).is_none() {
        eprintln!("error: unknown type hint '{hint}' (no adapter accepts it)");
        return Err(Exit(EXIT_USAGE));
    }
    let corpus = Corpus::enumerate(registry, &s.sources, hint).map_err(|e| {
        eprintln!("error: {e}");
        Exit(EXIT_USAGE)
    })?;
    for e in corpus.walk_errors() {
        eprintln!("warning: skipped: {e}");
    }
    Ok(corpus)
}

fn ls(corpus: &Corpus, opts: &RunOptions, format: Format) -> Result<(), Exit> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut line = String::new();
    corpus
        .references(opts, |r| {
            line.clear();
            match format {
                Format::Text => {
                    line.push_str(&r.id);
                    line.push('\t');
                    line.push_str(&r.type_hint);
                }
                Format::Json => arena_report::write_reference(&mut line, r),
            }
            line.push('\n');
            out.write_all(line.as_bytes())
        })
        .map_err(output_error)?;
    out.flush().map_err(output_error)
}

/// Reports an output error; a closed pipe (`| head`) ends quietly.
fn output_error(e: io::Error) -> Exit {
    if e.kind() == io::ErrorKind::BrokenPipe {
        return Exit(EXIT_OK);
    }
    eprintln!("error: writing output: {e}");
    Exit(EXIT_IO)
}

/// Whether stderr is a terminal (progress bars are drawn only then).
fn stderr_is_terminal() -> bool {
    io::stderr().is_terminal()
}
