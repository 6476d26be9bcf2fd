//! Shared by the benches: a criterion measurement of process CPU time.
//!
//! On a shared machine, wall-clock time includes the time other processes
//! held the core. Set `ARENA_BENCH_CLOCK=cpu` to measure the CPU time this
//! process used instead (`CLOCK_PROCESS_CPUTIME_ID`): every thread's time,
//! so for a multi-threaded bench it is the total work, not the elapsed time.

use std::time::Duration;

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::Criterion;

/// CPU time used by the whole process.
pub struct ProcessCpu;

static WALL: WallTime = WallTime;

fn process_cpu() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec and the clock id is a
    // constant every Linux kernel supports; the call writes only `ts`.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

impl Measurement for ProcessCpu {
    type Intermediate = Duration;
    type Value = Duration;

    fn start(&self) -> Duration {
        process_cpu()
    }

    fn end(&self, start: Duration) -> Duration {
        process_cpu().saturating_sub(start)
    }

    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }

    fn zero(&self) -> Duration {
        Duration::ZERO
    }

    fn to_f64(&self, v: &Duration) -> f64 {
        v.as_nanos() as f64
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        WALL.formatter()
    }
}

/// Runs `bench` with wall-clock time, or with process CPU time when
/// `ARENA_BENCH_CLOCK=cpu`.
pub fn run(bench_wall: fn(&mut Criterion), bench_cpu: fn(&mut Criterion<ProcessCpu>)) {
    if std::env::var("ARENA_BENCH_CLOCK").is_ok_and(|v| v == "cpu") {
        let mut c = Criterion::default().with_measurement(ProcessCpu).configure_from_args();
        bench_cpu(&mut c);
        c.final_summary();
    } else {
        let mut c = Criterion::default().configure_from_args();
        bench_wall(&mut c);
        c.final_summary();
    }
}
