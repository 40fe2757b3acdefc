//! A deterministic fuzz of every input path a scenario reaches (issue 13):
//! the shipped scenarios, mutated a few thousand times (lines deleted,
//! duplicated or swapped; numbers set to 0, negative, 1e308, NaN or inf;
//! words replaced), each run in-process through `check`, `simulate`,
//! `facility` and `tco`. Every run must end in success or bad input (exit 1):
//! never a panic, never an internal error (exit 2), which is what a
//! non-finite number about to be printed becomes. Past failures are kept in
//! `tests/fuzz_corpus/` and replayed first.

use crate::app;
use crate::cli::Cli;
use clap::Parser;
use rackscale::error::{Exit, exit_for};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Mutations tried (the test stops earlier if the time budget runs out).
const MUTATIONS: usize = 2000;
/// Wall-clock budget of the mutation loop.
const BUDGET: Duration = Duration::from_secs(75);

/// xorshift64*: a fixed sequence, whatever the platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const NUMBERS: [&str; 9] = ["0", "-1", "-0.5", "1e308", "-1e308", "nan", "inf", "1e-300", "4294967296"];
const WORDS: [&str; 8] = ["\"\"", "\"x\"", "\"gb300\"", "true", "[]", "{}", "\"ib-ndr\"", "\"easy\""];

fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    if lines.is_empty() {
        return String::new();
    }
    let i = rng.below(lines.len());
    match rng.below(5) {
        0 => {
            lines.remove(i);
        }
        1 => {
            let l = lines[i].clone();
            lines.insert(i, l);
        }
        2 => {
            let j = rng.below(lines.len());
            lines.swap(i, j);
        }
        3 => {
            // A number on the line (after `=`) replaced.
            if let Some(eq) = lines[i].find('=') {
                let key = lines[i][..eq].to_owned();
                lines[i] = format!("{key}= {}", NUMBERS[rng.below(NUMBERS.len())]);
            }
        }
        _ => {
            if let Some(eq) = lines[i].find('=') {
                let key = lines[i][..eq].to_owned();
                lines[i] = format!("{key}= {}", WORDS[rng.below(WORDS.len())]);
            }
        }
    }
    lines.join("\n") + "\n"
}

fn scenarios() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    out.sort();
    out
}

/// The commands a scenario file goes through, kept short: one simulated
/// day, few Monte Carlo draws.
fn commands(path: &Path, text: &str) -> Vec<Vec<String>> {
    let p = path.to_string_lossy().into_owned();
    let mut c = vec![vec!["check".to_owned(), p.clone()]];
    if text.contains("[simulation") {
        c.push(["simulate", &p, "--days", "1", "--quiet"].map(str::to_owned).to_vec());
    }
    if text.contains("[tco") {
        c.push(["tco", &p, "--samples", "20"].map(str::to_owned).to_vec());
    }
    if text.contains("[facility") {
        c.push(["facility", &p].map(str::to_owned).to_vec());
    }
    c
}

/// Runs one command line in-process: `Ok` for success or bad input, `Err`
/// with what went wrong otherwise.
fn run_one(args: &[String]) -> Result<(), String> {
    let argv = std::iter::once("rackscale".to_owned()).chain(args.iter().cloned());
    let Ok(cli) = Cli::try_parse_from(argv) else { return Ok(()) };
    match std::panic::catch_unwind(|| app::run(cli)) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) if exit_for(&e) == Exit::BadInput => Ok(()),
        Ok(Err(e)) => Err(format!("internal error: {e:#}")),
        Err(_) => Err("panic".to_owned()),
    }
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_corpus")
}

#[test]
fn mutated_scenarios_never_panic_nor_print_a_non_finite_number() {
    let quiet = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    let try_text = |name: &str, text: &str, failures: &mut Vec<String>| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        for args in commands(&path, text) {
            if let Err(why) = run_one(&args) {
                failures.push(format!("{why}\n  {}\n---\n{text}", args.join(" ")));
            }
        }
    };
    // Past failures first.
    let mut replayed = 0;
    if let Ok(entries) = std::fs::read_dir(corpus()) {
        let mut paths: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
        paths.sort();
        for p in paths.iter().filter(|p| p.extension().is_some_and(|e| e == "toml")) {
            let text = std::fs::read_to_string(p).unwrap();
            try_text("corpus.toml", &text, &mut failures);
            replayed += 1;
        }
    }
    let base = scenarios();
    let mut rng = Rng(0x05EE_D0F1_557E);
    let start = Instant::now();
    let mut runs = 0;
    while runs < MUTATIONS && start.elapsed() < BUDGET {
        let (name, text) = &base[runs % base.len()];
        let mut t = mutate(text, &mut rng);
        if rng.below(3) == 0 {
            t = mutate(&t, &mut rng);
        }
        try_text(name, &t, &mut failures);
        runs += 1;
    }
    std::panic::set_hook(quiet);
    eprintln!("fuzz: {replayed} corpus files, {runs} mutations in {:.1} s", start.elapsed().as_secs_f64());
    assert!(runs >= 500, "only {runs} mutations ran within the budget");
    assert!(failures.is_empty(), "{} failures; the first:\n{}", failures.len(), failures[0]);
}
