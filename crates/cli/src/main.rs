//! `examhall`: the command-line front end over the same use-case API.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "examhall", version, about = "Examhall command line")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Measure answer-save latency and grading throughput against raw baselines on this disk.
    Bench {
        /// Scratch directory on the disk under test (deleted and recreated files only).
        #[arg(long, default_value = "target/bench-scratch")]
        dir: PathBuf,
        /// Answer saves per round (and raw commits per round).
        #[arg(long, default_value_t = 2000)]
        answers: usize,
        /// Interleaved rounds of answer / raw loops.
        #[arg(long, default_value_t = 3)]
        rounds: usize,
        /// Submitted 50-answer sheets to grade.
        #[arg(long, default_value_t = 5000)]
        sheets: usize,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Bench {
            dir,
            answers,
            rounds,
            sheets,
        } => {
            anyhow::ensure!(
                answers >= 100 && rounds >= 1 && sheets >= 1,
                "--answers >= 100, --rounds >= 1, --sheets >= 1"
            );
            let report = examhall_app::bench::run(&dir, answers, rounds, sheets).await?;
            println!("{}", serde_json::to_string_pretty(&report)?);
        }
    }
    Ok(())
}
