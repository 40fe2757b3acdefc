//! `sweep` and `merge`: points, shards, resume and byte-identical merges.

use crate::run;

const S: &str = "../../scenarios/cio-own-vs-rent-gb300.toml";

fn sweep(out: &std::path::Path, extra: &[&str], threads: &str) -> String {
    let mut args = vec![
        "sweep",
        S,
        "--vary",
        "tco.horizon_years=3:5:3",
        "--vary",
        "facility.site=mount-pleasant-wi,phoenix-az",
        "--vary",
        "tco.samples=300",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    let o = crate::rackscale().env("RAYON_NUM_THREADS", threads).args(&args).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

fn files(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for sub in ["", "points"] {
        let d = dir.join(sub);
        let mut names: Vec<_> =
            std::fs::read_dir(&d).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect();
        names.sort();
        out.extend(
            names.into_iter().map(|p| (p.strip_prefix(dir).unwrap().display().to_string(), std::fs::read(&p).unwrap())),
        );
    }
    out
}

#[test]
fn sharded_and_merged_is_byte_identical_to_unsharded() {
    let t = tempfile::tempdir().unwrap();
    let whole = t.path().join("whole");
    let table = sweep(&whole, &[], "2");
    assert!(table.starts_with("point,tco.horizon_years,facility.site,tco.samples,headline_p10"), "{table}");
    assert_eq!(table.lines().count(), 7);
    // move_in_year = 3 needs a longer horizon: that point is a row with its reason, not an abort.
    let three: Vec<&str> = table.lines().filter(|l| l.starts_with("0,") || l.starts_with("1,")).collect();
    assert!(three.iter().all(|l| l.contains("move_in_year")), "{three:?}");
    let expected = files(&whole);
    // One chart per metric and varied key, in the merged result too.
    assert!(
        whole.join("sweep-pue-vs-facility-site.svg").is_file()
            && whole.join("sweep-cost-vs-tco-horizon-years.svg").is_file()
    );
    for shards in [2usize, 4] {
        let mut dirs = Vec::new();
        for i in 0..shards {
            let d = t.path().join(format!("s{shards}-{i}"));
            sweep(&d, &["--shard", &format!("{i}/{shards}")], if i % 2 == 0 { "1" } else { "3" });
            dirs.push(d);
        }
        let merged = t.path().join(format!("merged{shards}"));
        let mut args = vec!["merge".to_owned()];
        args.extend(dirs.iter().map(|d| d.display().to_string()));
        args.extend(["--out".to_owned(), merged.display().to_string()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, out, err) = run(&args);
        assert_eq!(code, 0, "{err}");
        assert_eq!(out, table);
        assert_eq!(files(&merged), expected, "{shards} shards merged differ from the unsharded sweep");
    }
    // A shard missing: merge names the points.
    let (code, _, err) =
        run(&["merge", t.path().join("s4-0").to_str().unwrap(), "--out", t.path().join("x").to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("points are missing (first: 1, 2, 3"), "{err}");
    // The same shard twice: a duplicated point.
    let d = t.path().join("s2-0");
    let (code, _, err) =
        run(&["merge", d.to_str().unwrap(), d.to_str().unwrap(), "--out", t.path().join("y").to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("is in both"), "{err}");
}

#[test]
fn a_rerun_skips_finished_points_and_another_sweep_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path().join("s");
    sweep(&d, &["--shard", "0/2"], "2");
    // A killed run: one finished point lost, the rerun redoes only it.
    std::fs::remove_file(d.join("points/0000002.json")).unwrap();
    let o = crate::rackscale()
        .args([
            "sweep",
            S,
            "--vary",
            "tco.horizon_years=3:5:3",
            "--vary",
            "facility.site=mount-pleasant-wi,phoenix-az",
            "--vary",
            "tco.samples=300",
            "--shard",
            "0/2",
            "--out",
            d.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success() && err.contains("(1 run now, 2 already done)"), "{err}");
    let (code, _, err) = run(&["sweep", S, "--vary", "tco.horizon_years=4,5", "--out", d.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("holds another sweep"), "{err}");
}

#[test]
fn bad_keys_and_values_are_named() {
    let (code, _, err) = run(&["sweep", S, "--vary", "cluster.rack=8,16"]);
    assert_eq!(code, 1);
    assert!(err.contains("did you mean `cluster.racks`") && err.contains("keys it sets:"), "{err}");
    for (v, msg) in [
        ("tco.horizon_years", "KEY=V1,V2"),
        ("tco.horizon_years=3:5:1", "2 to 100,000 steps"),
        ("tco.horizon_years=a:5:3", "two numbers and a count"),
    ] {
        let (code, _, err) = run(&["sweep", S, "--vary", v]);
        assert_eq!(code, 1, "{v}");
        assert!(err.contains(msg), "{v}: {err}");
    }
    let (code, _, err) = run(&["sweep", S, "--vary", "tco.horizon_years=4,5", "--shard", "3/2"]);
    assert_eq!(code, 1);
    assert!(err.contains("0 <= I < N"), "{err}");
}
