//! How each result reads as rows.

use super::Report;
use crate::catalog::{fmt_num, sig, sig3};
use crate::results::{CatalogList, CollectiveSweep, EntryDetail, PlanReport, ScenarioSummary, StepReport};
use serde_json::Value;

impl Report for CatalogList {
    fn columns(&self) -> Vec<&'static str> {
        vec!["id", "kind", "name", "summary", "estimate", "date", "source"]
    }
    fn rows(&self) -> Vec<Vec<String>> {
        self.0
            .iter()
            .map(|r| {
                let est = if r.estimate { "yes" } else { "" };
                vec![
                    r.id.clone(),
                    r.kind.clone(),
                    r.name.clone(),
                    r.summary.clone(),
                    est.into(),
                    r.date.clone(),
                    r.source.clone(),
                ]
            })
            .collect()
    }
    fn long_columns(&self) -> &'static [&'static str] {
        &["name", "source"]
    }
    fn json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

impl Report for EntryDetail {
    fn columns(&self) -> Vec<&'static str> {
        vec!["field", "value"]
    }
    fn rows(&self) -> Vec<Vec<String>> {
        let mut rows = vec![vec!["kind".to_owned(), self.kind.clone()]];
        if let Value::Object(map) = &self.entry {
            for (k, v) in map.iter().filter(|(_, v)| !v.is_null()) {
                match v {
                    // A nested table that is not a figure (a site's climate): one row per field.
                    Value::Object(inner) if !inner.contains_key("value") => rows.extend(
                        inner.iter().filter(|(_, v)| !v.is_null()).map(|(ik, iv)| vec![format!("{k}.{ik}"), cell(iv)]),
                    ),
                    _ => rows.push(vec![k.clone(), cell(v)]),
                }
            }
        }
        rows
    }
    fn json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// One JSON value as a cell: figures as `value (estimate low-high; note)`.
fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.as_f64().map_or_else(|| n.to_string(), fmt_num),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(cell).collect::<Vec<_>>().join(", "),
        Value::Object(m) => {
            let num = |k: &str| m.get(k).and_then(Value::as_f64).map(fmt_num);
            let mut s = num("value").unwrap_or_default();
            if let (Some(lo), Some(hi)) = (num("low"), num("high")) {
                s.push_str(&format!(" (estimate {lo}-{hi}"));
                if let Some(note) = m.get("note").and_then(Value::as_str) {
                    s.push_str(&format!("; {note}"));
                }
                s.push(')');
            }
            s
        }
    }
}

impl Report for ScenarioSummary {
    fn columns(&self) -> Vec<&'static str> {
        vec!["metric", "value", "unit"]
    }
    fn rows(&self) -> Vec<Vec<String>> {
        let mut r = Rows::default();
        r.push("scenario", &self.scenario, "");
        r.push("seed", self.seed, "");
        r.push("system", &self.system, "");
        r.push("accelerator", &self.accelerator, "");
        r.push("gpus", self.gpus, "");
        r.push("nodes", self.nodes, "");
        r.push("racks", self.racks, "");
        r.push("scale-up domains", self.scaleup_domains, "");
        r.push("scale-out fabric", &self.fabric, "");
        r.push("scale-out routing", &self.routing, "");
        for p in &self.peaks {
            r.push(format!("peak {} dense", p.precision), sig(p.dense_eflops), "EFLOP/s");
            if let Some(s) = p.sparse_eflops {
                r.push(format!("peak {} sparse (vendor headline)", p.precision), sig(s), "EFLOP/s");
            }
        }
        r.push("hbm", sig(self.hbm_tb), "TB");
        let range = format!("{} ({}-{})", sig(self.it_power_mw), sig(self.it_power_mw_low), sig(self.it_power_mw_high));
        r.push("rack power at nameplate", range, "MW");
        r.push("it power with fabric and storage", sig(self.it_power_mw_with_fabric), "MW");
        r.opt("site", self.site.as_ref(), "");
        r.opt("pue (fixed)", self.pue, "");
        r.opt("facility power at nameplate", self.facility_power_mw.map(sig), "MW");
        r.opt("electricity price", self.electricity_usd_per_kwh, "USD/kWh");
        r.opt("energy bill upper bound", self.energy_usd_per_year_upper_bound.map(|x| format!("{:.0}", x)), "USD/year");
        r.push("utilization", self.utilization, "");
        let (inv, f) = (&self.inventory, &self.inventory.fabric);
        r.push("scale-up switch chips", inv.scaleup_switches, "");
        r.push("scale-out NICs", inv.nics, "");
        r.push("fabric tiers x planes", format!("{} x {}", f.tiers, f.planes), "");
        r.push(
            "leaf / spine / core switches",
            format!("{} / {} / {}", f.leaf_switches, f.spine_switches, f.core_switches),
            "",
        );
        r.push("fabric links (optical transceivers)", format!("{} ({})", f.cables, f.transceivers), "");
        if let Some(t) = &self.training {
            let fits = if t.fits { "fits" } else { "does NOT fit" };
            r.push("training model", &t.model, "");
            r.push("training plan", format!("{} {:?}", t.plan, t.plan.recompute).to_lowercase(), "");
            let b = &t.band;
            r.push("step time (P10-P90)", banded(t.step_time_s, b.step_time_s_p10, b.step_time_s_p90), "s");
            r.push("MFU (P10-P90)", banded_pct(t.mfu, b.mfu_p10, b.mfu_p90), "");
            r.push(
                "sustained model FLOP/s (P10-P90)",
                banded(t.sustained_model_eflops, t.sustained_model_eflops_p10, t.sustained_model_eflops_p90),
                "EFLOP/s",
            );
            r.push("memory per GPU", format!("{} ({fits})", sig(t.memory_per_gpu_bytes / 1e9)), "GB");
            if let (Some(d), Some(lo), Some(hi)) =
                (t.time_to_train_days, b.time_to_train_days_p10, b.time_to_train_days_p90)
            {
                r.push("time to train (P10-P90)", banded(d, lo, hi), "days");
            }
            r.push("band from", &b.band_basis, "");
            r.opt("validation", b.unvalidated.clone(), "");
        }
        r.0
    }
    fn json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
    fn footer(&self) -> Vec<String> {
        self.warnings.iter().map(|w| format!("warning: {w}")).collect()
    }
}

impl Report for CollectiveSweep {
    fn columns(&self) -> Vec<&'static str> {
        vec!["size_bytes", "time_s", "algbw_gb_per_s", "busbw_gb_per_s", "algorithm", "protocol"]
    }
    fn rows(&self) -> Vec<Vec<String>> {
        self.rows
            .iter()
            .map(|r| {
                vec![
                    r.size_bytes.to_string(),
                    format!("{:.4e}", r.time_s),
                    format!("{:.2}", r.algbw_gb_per_s),
                    format!("{:.2}", r.busbw_gb_per_s),
                    r.algorithm.clone(),
                    r.protocol.clone(),
                ]
            })
            .collect()
    }
    fn json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

impl Report for StepReport {
    fn columns(&self) -> Vec<&'static str> {
        vec!["metric", "value", "unit"]
    }
    fn rows(&self) -> Vec<Vec<String>> {
        let (s, b, m) = (&self.step, &self.step.breakdown, &self.step.memory);
        let mut r = Rows::default();
        r.push("model", &self.model, "");
        r.push("system", format!("{} x {}", self.gpus, self.system), "GPUs");
        r.push("plan", self.plan, "");
        let u = &self.band;
        r.push("step time (P10-P90)", banded(s.step_time_s, u.step_time_s_p10, u.step_time_s_p90), "s");
        r.push(
            "tokens per second (P10-P90)",
            format!("{:.0} ({:.0}-{:.0})", s.tokens_per_s, u.tokens_per_s_p10, u.tokens_per_s_p90),
            "tokens/s",
        );
        r.push("model TFLOP/s per GPU", sig(s.model_tflops_per_gpu), "TFLOP/s");
        r.push("MFU (P10-P90)", banded_pct(s.mfu, u.mfu_p10, u.mfu_p90), "");
        r.push("HFU", format!("{:.1}%", s.hfu * 100.0), "");
        for (name, v) in [
            ("compute", b.compute_s),
            ("exposed TP", b.tp_s),
            ("exposed CP", b.cp_s),
            ("EP all-to-all", b.ep_s),
            ("pipeline bubble", b.bubble_s),
            ("pipeline p2p", b.pp_s),
            ("exposed DP", b.dp_s),
            ("optimizer", b.optimizer_s),
        ] {
            r.push(format!("  {name}"), sig(v), "s");
        }
        for (name, v) in [
            ("weights", m.weights),
            ("gradients", m.gradients),
            ("optimizer states", m.optimizer),
            ("activations", m.activations),
            ("other", m.other),
        ] {
            r.push(format!("  memory: {name}"), sig(v / 1e9), "GB");
        }
        r.push("memory per GPU", sig(s.memory_per_gpu_bytes / 1e9), "GB");
        let margin = if s.fits { "fits" } else { "does NOT fit" };
        r.push(margin, format!("{} GB margin", sig(s.memory_margin_bytes / 1e9)), "");
        if let (Some(d), Some(lo), Some(hi)) =
            (self.time_to_train_days, u.time_to_train_days_p10, u.time_to_train_days_p90)
        {
            r.push("time to train (P10-P90)", banded(d, lo, hi), "days");
        }
        r.push("band from", &u.band_basis, "");
        r.opt("validation", u.unvalidated.clone(), "");
        r.0
    }
    fn json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

impl Report for PlanReport {
    fn columns(&self) -> Vec<&'static str> {
        vec![
            "rank",
            "plan",
            "recompute",
            "zero",
            "step_time_s (P10-P90)",
            "tokens_per_s",
            "mfu",
            "memory_gb",
            "days (P10-P90)",
        ]
    }
    fn rows(&self) -> Vec<Vec<String>> {
        self.plans
            .iter()
            .map(|p| {
                vec![
                    p.rank.to_string(),
                    p.plan.to_string(),
                    format!("{:?}", p.plan.recompute).to_lowercase(),
                    p.plan.zero.to_string(),
                    banded(p.step_time_s, p.band.step_time_s_p10, p.band.step_time_s_p90),
                    format!("{:.0}", p.tokens_per_s),
                    format!("{:.1}%", p.mfu * 100.0),
                    sig(p.memory_per_gpu_bytes / 1e9),
                    match (p.time_to_train_days, p.band.time_to_train_days_p10, p.band.time_to_train_days_p90) {
                        (Some(d), Some(lo), Some(hi)) => banded(d, lo, hi),
                        _ => String::new(),
                    },
                ]
            })
            .collect()
    }
    fn json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
    fn warnings(&self) -> Vec<String> {
        self.warnings.clone()
    }
    fn footer(&self) -> Vec<String> {
        let mut lines = vec![format!(
            "{} on {} x {}: {} valid plans evaluated, {} fit in memory",
            self.model, self.gpus, self.system, self.evaluated, self.fitting
        )];
        if let Some(p) = self.plans.first() {
            lines.push(format!("P10-P90 bands from {}", p.band.band_basis));
            if let Some(u) = &p.band.unvalidated {
                lines.push(u.clone());
            }
        }
        lines.extend(self.warnings.iter().map(|w| format!("warning: {w}")));
        for s in &self.sizing {
            let plan = match (s.plan, s.valid_plans) {
                (Some(p), _) => p.to_string(),
                (None, 0) => "no valid plan (batch, layers or heads do not divide)".to_owned(),
                (None, _) => "no plan fits in memory".to_owned(),
            };
            let days = match (s.time_to_train_days, s.time_to_train_days_p90) {
                (Some(d), Some(p90)) => format!(", {} days (P90 {})", sig(d), sig3(p90)),
                (Some(d), None) => format!(", {} days", sig(d)),
                _ => String::new(),
            };
            let mark = match (s.meets_deadline, s.meets_deadline_p90) {
                (_, true) => " <- meets the deadline, even at P90",
                (true, false) => " <- meets the deadline at its estimate, not at P90",
                _ => "",
            };
            lines.push(format!("sizing: {} GPUs: {plan}{days}{mark}", s.gpus));
        }
        if let Some(g) = self.gpus_for_deadline {
            lines.push(format!("fewest GPUs meeting the deadline: {g}"));
        }
        match (self.gpus_for_deadline_p90, self.sizing.is_empty()) {
            (Some(g), _) => lines.push(format!("fewest GPUs meeting it at P90: {g}")),
            (None, false) => lines.push("no size up to --gpus meets it at P90".to_owned()),
            (None, true) => {}
        }
        lines
    }
}

impl Report for crate::calibrate::Calibration {
    fn columns(&self) -> Vec<&'static str> {
        vec!["held_out_kernel", "threads", "measured_s", "spread", "predicted_s", "error"]
    }
    fn rows(&self) -> Vec<Vec<String>> {
        self.validation
            .kernels
            .iter()
            .map(|k| {
                vec![
                    k.kernel.clone(),
                    k.threads.to_string(),
                    format!("{:.4e}", k.measured_s),
                    format!("{:.1}%", k.spread * 100.0),
                    format!("{:.4e}", k.predicted_s),
                    format!("{:+.1}%", k.error * 100.0),
                ]
            })
            .collect()
    }
    fn json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
    fn footer(&self) -> Vec<String> {
        let mut lines = vec![format!(
            "device: {} ({}), {} GEMMs measured, STREAM triad {} GB/s, {}",
            self.device.name,
            self.device.kind,
            self.gemms.len(),
            sig(self.stream_triad_bytes_per_s / 1e9),
            self.date
        )];
        for f in &self.fits {
            lines.push(format!(
                "fit {} threads, {}: efficiency {:.1}% of an estimated {} TFLOP/s peak, overhead {} us ({} kernels)",
                f.threads,
                f.precision,
                f.fit.efficiency * 100.0,
                sig(f.fit.peak_flops / 1e12),
                sig(f.fit.overhead_us),
                f.fitted_kernels
            ));
        }
        let stable = self.gemms.len() - self.unstable_kernels;
        lines.push(format!(
            "{stable} of {} kernels settled within {:.0}% (spread of their best 5 runs); fits and checks use only those",
            self.gemms.len(),
            crate::calibrate::cpu::STABLE_SPREAD * 100.0
        ));
        lines.push(format!(
            "held-out kernels: median |error| {:.1}%, max {:.1}%",
            self.validation.median_abs_error * 100.0,
            self.validation.max_abs_error * 100.0
        ));
        if let Some(t) = &self.transferred_from {
            lines.push(t.clone());
        }
        lines
    }
}

impl Report for crate::results::SimReport {
    fn columns(&self) -> Vec<&'static str> {
        vec!["metric", "value", "unit"]
    }
    fn rows(&self) -> Vec<Vec<String>> {
        let s = &self.summary;
        let pct = |p: &crate::sim::Percentiles| format!("{} / {} / {}", sig(p.p50), sig(p.p90), sig(p.p99));
        let mut r = Rows::default();
        r.push("scenario", &self.scenario, "");
        r.push("seed", s.seed, "");
        r.push("cluster", format!("{} GPUs in {} nodes of {}", self.gpus, self.nodes, self.system), "");
        r.push("simulated", sig(s.days), "days");
        r.push("jobs submitted / completed", format!("{} / {}", s.jobs_submitted, s.jobs_completed), "");
        if s.jobs_after_horizon > 0 {
            r.push("jobs due after the last day (not run)", s.jobs_after_horizon, "");
        }
        r.push("node failures", s.node_failures, "");
        for (cause, n) in &s.failures_by_cause {
            r.push(format!("  caused by {cause}"), n, "");
        }
        if s.domain_failures > 0 {
            r.push("scale-up domain failures", s.domain_failures, "");
        }
        if s.slow_episodes > 0 {
            r.push("slow-node episodes (drained at detection)", s.slow_episodes, "");
        }
        if s.preemptions > 0 {
            r.push("jobs preempted by high-priority ones", s.preemptions, "");
        }
        if s.spine_failures > 0 {
            r.push("spine switch failures", s.spine_failures, "");
        }
        if s.leaf_failures > 0 {
            r.push("leaf switch failures", s.leaf_failures, "");
        }
        if s.lemons_removed > 0 {
            r.push("lemon nodes removed", s.lemons_removed, "");
        }
        r.push("job interruptions (failure-caused)", s.interruptions, "");
        r.opt("mean time to interruption", s.mtti_hours.map(sig), "h");
        r.opt("ettr (largest job)", s.ettr.map(sig), "");
        r.push("goodput (work kept / GPU time allocated)", sig(s.goodput), "");
        r.push("utilization (allocated / up)", sig(s.utilization), "");
        r.push("fragmentation (free GPUs in partly used domains)", sig(s.fragmentation), "");
        r.push("queueing delay p50 / p90 / p99", pct(&s.queue_delay_s), "s");
        r.push(
            "GPU-hours allocated / idle / down",
            format!("{} / {} / {}", sig(s.gpu_hours_allocated), sig(s.gpu_hours_idle), sig(s.gpu_hours_down)),
            "GPU-h",
        );
        r.push(
            "IT power mean / nameplate",
            format!("{} / {}", sig(self.it_power_mw_mean), sig(self.it_power_mw_nameplate)),
            "MW",
        );
        let n = &self.network;
        r.push(
            "scale-out fabric",
            format!(
                "{}, {} routing ({}), {}; contention {}",
                n.fabric,
                n.routing,
                n.routing_from,
                n.tree,
                if n.contention { "modelled" } else { "off" }
            ),
            "",
        );
        if n.contention {
            let shares = match (s.fabric_share_mean, s.fabric_share_p10) {
                (Some(m), Some(p)) => format!("{} / {} ({} jobs)", sig(m), sig(p), s.fabric_jobs),
                _ => "no job spanned scale-up domains".to_owned(),
            };
            r.push("line-rate share of multi-domain jobs, mean / P10", shares, "");
            let of = if s.gpu_hours_allocated > 0.0 { s.contention_gpu_hours / s.gpu_hours_allocated } else { 0.0 };
            r.push(
                "GPU-hours lost to fabric contention",
                format!("{} ({}% of allocated)", sig(s.contention_gpu_hours), sig(100.0 * of)),
                "GPU-h",
            );
            for j in s.slowest_fabric_jobs.iter().take(3) {
                r.push(
                    format!("  slowest: {} ({} GPUs)", j.id, j.gpus),
                    format!(
                        "{} mean, {} lowest, held by {}",
                        sig(j.share),
                        sig(j.share_min),
                        j.bottleneck.as_deref().unwrap_or("its own NICs")
                    ),
                    "",
                );
            }
        }
        r.push("straggler slowdown (largest job)", sig(s.straggler_factor), "x");
        r.opt("checkpoint interval (largest job)", s.checkpoint_minutes.map(sig), "min");
        if let Some(j) = &self.largest_job {
            r.push(
                "largest job",
                format!("{} ({} GPUs): {} restarts, {} GPU-h lost", j.id, j.gpus, j.restarts, sig(j.lost_gpu_hours)),
                "",
            );
            r.opt("largest job finished at", j.end_s.map(|e| sig(e / 86_400.0)), "days");
        }
        for b in &self.by_size {
            r.push(
                format!("{} GPUs: jobs, queue p50/p90/p99", b.gpus),
                format!("{}, {}", b.jobs, pct(&b.queue_delay_s)),
                "s",
            );
        }
        if let Some(t) = &self.trace {
            r.push("trace rows / replayed", format!("{} / {}", t.rows, t.replayed), "");
            r.opt("trace's own queueing p50 / p90 / p99", t.trace_queue_delay_s.as_ref().map(pct), "s");
            r.push("replayed queueing p50 / p90 / p99", pct(&t.simulated_queue_delay_s), "s");
        }
        r.0
    }
    fn json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
    fn warnings(&self) -> Vec<String> {
        self.warnings.clone()
    }
    fn footer(&self) -> Vec<String> {
        let mut f = Vec::new();
        if let Some(t) = &self.trace {
            f.push(format!("trace: skipped {} CPU-only rows and {} rows that never ran", t.cpu_only, t.never_ran));
        }
        f.extend(self.warnings.iter().map(|w| format!("warning: {w}")));
        f
    }
}

impl Report for crate::pipeline::facility::FacilityReport {
    fn columns(&self) -> Vec<&'static str> {
        vec!["metric", "value", "unit"]
    }
    fn rows(&self) -> Vec<Vec<String>> {
        let t = &self.totals;
        let mut r = Rows::default();
        let site = match (&self.site, &self.site_name) {
            (Some(id), Some(name)) => format!("{id} ({name})"),
            (Some(id), None) => id.clone(),
            _ => "-".to_owned(),
        };
        r.push("site", site, "");
        // The data set's first clause names it; the rest is in the JSON.
        let from = self.weather.from.split(['(', ';']).next().unwrap_or_default().trim_end_matches([',', ' ']);
        r.push("weather", format!("{}: {from}", self.weather.kind), "");
        let water = if self.evaporative { "evaporative" } else { "zero-water" };
        let ups = match self.ups {
            crate::model::facility::Ups::DoubleConversion => "double-conversion UPS",
            crate::model::facility::Ups::Eco => "eco-mode UPS",
        };
        let supply = match self.cooling {
            crate::model::facility::Cooling::Liquid => "rack coolant",
            _ => "chilled water",
        };
        r.push(
            "design",
            format!(
                "{}, {supply} {:.1} °C, {ups} ({:.2}x), {water}",
                self.cooling.name(),
                self.supply_temp_c,
                self.redundancy
            ),
            "",
        );
        r.push(
            "IT capacity / mean load factor",
            format!("{} / {}", sig(self.it_capacity_mw), sig(self.load_factor)),
            "MW / -",
        );
        r.push("hours", self.hours, "h");
        r.push("annual PUE", format!("{:.3}", t.annual_pue), "");
        r.push("peak-hour PUE", format!("{:.3}", t.peak_hour_pue), "");
        r.opt("PUE claimed (scenario)", self.claimed_pue.map(|p| format!("{p:.3}")), "");
        let monthly: Vec<String> =
            t.monthly_pue.iter().map(|m| m.map_or_else(|| "-".to_owned(), |x| format!("{x:.3}"))).collect();
        r.push("monthly PUE Jan..Dec", monthly.join(" "), "");
        r.push(
            "partial PUE electrical / cooling",
            format!("{:.3} / {:.3}", t.partial_pue_electrical, t.partial_pue_cooling),
            "",
        );
        r.push("WUE", format!("{:.3}", t.wue_l_per_kwh), "L/kWh");
        r.push("IT energy", sig(t.it_energy_mwh), "MWh");
        r.push("facility energy", sig(t.facility_energy_mwh), "MWh");
        r.push(
            "  overhead electrical / cooling / other",
            format!("{} / {} / {}", sig(t.electrical_mwh), sig(t.cooling_mwh), sig(t.misc_mwh)),
            "MWh",
        );
        r.push("peak facility power", sig(t.peak_facility_mw), "MW");
        r.push("water", sig(t.water_m3), "m³");
        let h = t.cooling_mode_hours;
        r.push(
            "main-loop hours dry / evaporative / chiller",
            format!("{} / {} / {}", h.dry, h.evaporative, h.chiller),
            "h",
        );
        r.push("hottest hour (dry bulb)", sig(self.hottest_hour_dry_bulb_c), "°C");
        r.opt("electricity price", self.electricity_usd_per_kwh.map(sig), "USD/kWh");
        r.opt("energy cost", self.energy_cost_usd.map(|x| format!("{:.0}", x)), "USD");
        r.opt("grid carbon intensity", self.grid_gco2_per_kwh.map(sig), "gCO2e/kWh");
        r.opt("carbon (location-based)", self.carbon_tco2e.map(sig), "tCO2e");
        r.0
    }
    fn json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
    fn footer(&self) -> Vec<String> {
        let mut f = Vec::new();
        if let Some(n) = &self.load_note {
            f.push(n.clone());
        }
        if let Some(claim) = self.claimed_pue {
            let (a, p) = (self.totals.annual_pue, self.totals.peak_hour_pue);
            let verdict = if claim + 0.005 >= p {
                "holds every hour".to_owned()
            } else if claim + 0.005 >= a {
                format!("holds as an annual figure, not at the peak hour ({p:.3})")
            } else {
                format!("is not reached: the model gives {a:.3} over the year")
            };
            f.push(format!("claimed PUE {claim:.3} {verdict}"));
        }
        if self.electricity_usd_per_kwh.is_none() {
            f.push("no electricity price: give --price or a site with a tariff".to_owned());
        }
        if self.grid_gco2_per_kwh.is_none() && self.site.is_some() {
            f.push("no grid carbon intensity for this site's tariff: carbon not computed".to_owned());
        }
        f
    }
}

impl Report for crate::pipeline::tco::TcoReport {
    fn columns(&self) -> Vec<&'static str> {
        vec![
            "option",
            "kind",
            "total musd p10/p50/p90",
            "npv musd p50",
            "usd/gpu-h p50",
            "usd/useful gpu-h p10/p50/p90",
            "usd/m tokens p50",
            "lock-in musd p50",
        ]
    }
    fn rows(&self) -> Vec<Vec<String>> {
        let p3 = |p: &crate::model::tco::P3, scale: f64| {
            format!("{} / {} / {}", sig(p.p10 / scale), sig(p.p50 / scale), sig(p.p90 / scale))
        };
        self.options
            .iter()
            .map(|o| {
                vec![
                    o.name.clone(),
                    o.kind.clone(),
                    p3(&o.total_usd, 1e6),
                    sig(o.npv_usd.p50 / 1e6),
                    sig(o.usd_per_gpu_hour.p50),
                    p3(&o.usd_per_useful_gpu_hour, 1.0),
                    o.usd_per_million_tokens.map_or_else(|| "-".to_owned(), |p| sig(p.p50)),
                    sig(o.lock_in_usd.p50 / 1e6),
                ]
            })
            .collect()
    }
    fn json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
    fn footer(&self) -> Vec<String> {
        let mut f = vec![format!(
            "{} GPUs of {} over {} years, {} draws (seed {}); {}",
            self.gpus,
            self.system,
            self.horizon_years,
            self.samples,
            self.seed,
            self.notes.join("; ")
        )];
        for o in &self.options {
            if let Some(m) = &o.margin_usd_per_useful_gpu_hour {
                f.push(format!(
                    "{}: provider margin per useful GPU-hour {} / {} / {} USD (price less the owned cost)",
                    o.name,
                    sig(m.p10),
                    sig(m.p50),
                    sig(m.p90)
                ));
            }
        }
        for b in &self.break_even {
            let u = match b.utilization {
                crate::model::tco::Crossover::At(u) => format!("owning is cheaper above {:.0}% utilization", 100.0 * u),
                crate::model::tco::Crossover::OwnAlwaysCheaper => "owning is cheaper at any utilization".to_owned(),
                crate::model::tco::Crossover::RentAlwaysCheaper => "renting is cheaper at any utilization".to_owned(),
            };
            let m = b.months.map_or_else(
                || "does not pay back within the horizon".to_owned(),
                |m| format!("pays back after {} months", sig(m)),
            );
            f.push(format!("{} vs {}: {u}; {m} (at the medians, undiscounted)", b.own, b.against));
        }
        let top: Vec<String> =
            self.tornado.iter().take(5).map(|s| format!("{} ({} MUSD)", s.input, sig(s.swing / 1e6))).collect();
        if !top.is_empty() {
            f.push(format!("tornado ({}): {}", self.decision, top.join(", ")));
        }
        f
    }
}

/// Four significant figures, without exponent for everyday magnitudes.
/// `4.597 (4.30-5.20)`: a value and its P10-P90 range.
fn banded(x: f64, lo: f64, hi: f64) -> String {
    format!("{} ({}-{})", sig(x), sig3(lo), sig3(hi))
}

/// `41.6% (38.0-45.1%)`.
fn banded_pct(x: f64, lo: f64, hi: f64) -> String {
    format!("{:.1}% ({:.1}-{:.1}%)", x * 100.0, lo * 100.0, hi * 100.0)
}

#[derive(Default)]
struct Rows(Vec<Vec<String>>);

impl Rows {
    fn push(&mut self, metric: impl Into<String>, value: impl ToString, unit: &str) {
        self.0.push(vec![metric.into(), value.to_string(), unit.to_owned()]);
    }
    fn opt(&mut self, metric: &str, value: Option<impl ToString>, unit: &str) {
        if let Some(v) = value {
            self.push(metric, v, unit);
        }
    }
}

impl Report for crate::pipeline::simulate::Replicated {
    fn columns(&self) -> Vec<&'static str> {
        vec!["metric", "p10", "p50", "p90", "unit", "replications"]
    }
    fn rows(&self) -> Vec<Vec<String>> {
        self.summary
            .iter()
            .map(|m| vec![m.metric.clone(), sig(m.p10), sig(m.p50), sig(m.p90), m.unit.clone(), m.n.to_string()])
            .collect()
    }
    fn json(&self) -> Value {
        serde_json::to_value(self).unwrap_or_default()
    }
    fn footer(&self) -> Vec<String> {
        let mut f =
            vec![format!("{} replications of {}, seeds derived from {}", self.replications, self.scenario, self.seed)];
        for u in &self.uncertain {
            f.push(format!(
                "uncertain: {} drawn per replication, P10/P50/P90 {} / {} / {} ({})",
                u.name,
                sig(u.p10),
                sig(u.p50),
                sig(u.p90),
                u.source
            ));
        }
        f.extend(self.warnings.iter().map(|w| format!("warning: {w}")));
        f
    }
    fn warnings(&self) -> Vec<String> {
        self.warnings.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn significant_figures() {
        assert_eq!(sig(4.976), "4.976");
        assert_eq!(sig(69.12), "69.12");
        assert_eq!(sig(1326.9), "1327");
        assert_eq!(sig(0.30672), "0.3067");
        assert_eq!(sig(1e308), "1e308");
    }

    #[test]
    fn figure_cells() {
        let v = serde_json::json!({"value": 135.0, "low": 132.0, "high": 140.0, "note": "range"});
        assert_eq!(cell(&v), "135 (estimate 132-140; range)");
        assert_eq!(cell(&serde_json::json!({"value": 8.0})), "8");
        assert_eq!(cell(&serde_json::json!(["a", "b"])), "a, b");
    }
}
