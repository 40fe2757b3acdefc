//! Wire -> validated scenario. Every problem is collected, so one run reports
//! all of them, each pointing at its value.

use super::wire::{ClusterWire, FacilityWire, ScenarioWire, WorkloadWire};
use super::{Cluster, Facility, Scenario, Warning, Workload};
use crate::catalog::{Catalog, CatalogError, Entry, FabricTier, System, Table, fmt_num};
use crate::diag::Diagnostic;
use crate::engine::rng::DEFAULT_SEED;
use crate::ids::{FabricId, SiteId, SystemId};
use crate::suggest;
use crate::units::{Fraction, Watts};
use toml::Spanned;

/// Highest PUE accepted; above 3 is already a warning.
const MAX_PUE: f64 = 5.0;
/// Highest electricity price accepted \[USD/kWh\].
const MAX_USD_PER_KWH: f64 = 5.0;
/// Lowest annual PUE any operator reports for a site (AWS, best EU site, 2023):
/// below this a scenario is probably mistyped (pue.csv, AWS sustainability 2024).
const LOWEST_REPORTED_PUE: f64 = 1.04;

pub(super) fn validate(w: ScenarioWire, default_name: &str, catalog: &Catalog) -> Result<Scenario, Vec<Diagnostic>> {
    let mut v = Validator { catalog, problems: Vec::new(), warnings: Vec::new() };
    let cluster = v.cluster(w.cluster);
    let facility = v.facility(w.facility);
    let workload = v.workload(w.workload);
    let training = w.training.and_then(|t| {
        let system = cluster.as_ref().and_then(|c| catalog.systems.find(c.system.as_str()));
        let domain = system.map_or(1, |s| s.gpus_per_domain.get());
        let gpu = system.and_then(|s| catalog.gpus.find(s.accelerator.get_ref()));
        v.training(t, cluster.as_ref().map(|c| c.gpus), domain, gpu)
    });
    let simulation = w.simulation.and_then(|s| v.simulation(s, cluster.as_ref().map(|c| c.gpus)));
    let tco = w.tco.and_then(|t| v.tco(t, cluster.as_ref(), facility.as_ref()));
    let claims: Vec<super::ClaimSpec> = w.claim.into_iter().filter_map(|c| v.claim(c)).collect();
    let (Some(cluster), Some(facility), Some(workload)) = (cluster, facility, workload) else {
        debug_assert!(!v.problems.is_empty(), "a section failed without saying why");
        return Err(v.problems);
    };
    if !v.problems.is_empty() {
        return Err(v.problems);
    }
    Ok(Scenario {
        name: w.name.unwrap_or_else(|| default_name.to_owned()),
        description: w.description,
        seed: w.seed.unwrap_or(DEFAULT_SEED),
        cluster,
        facility,
        workload,
        training,
        simulation,
        tco,
        claims,
        warnings: v.warnings,
    })
}

pub(super) struct Validator<'a> {
    pub(super) catalog: &'a Catalog,
    problems: Vec<Diagnostic>,
    warnings: Vec<Warning>,
}

/// Highest leaf oversubscription accepted (down:up).
const MAX_OVERSUBSCRIPTION: f64 = 8.0;

impl Validator<'_> {
    /// A `[[claim]]`: its text read now (a sentence not understood points at
    /// its `text`), its references and counts checked.
    fn claim(&mut self, c: super::wire::ClaimWire) -> Option<super::ClaimSpec> {
        use crate::model::facility::{Cooling, Ups};
        let before = self.problems.len();
        if let Err(e) = crate::claim::parse::parse(c.text.get_ref(), self.catalog) {
            let first = e.to_string().lines().next().unwrap_or("").to_owned();
            self.problem(Diagnostic::at(c.text.span(), first).with_help(crate::claim::parse::Kind::HELP));
        }
        let system =
            c.system.as_ref().and_then(|x| self.reference(&self.catalog.systems, x, "claim.system")).map(|_| ());
        let _ = system;
        let site = c.site.as_ref().and_then(|x| self.reference(&self.catalog.sites, x, "claim.site")).map(|_| ());
        let _ = site;
        let mut count = |x: &Option<toml::Spanned<i64>>, key: &str, max: i64| -> Option<u64> {
            let x = x.as_ref()?;
            if (1..=max).contains(x.get_ref()) {
                Some(*x.get_ref() as u64)
            } else {
                self.problems.push(Diagnostic::at(x.span(), format!("`{key}` is {}; give 1 to {max}", x.get_ref())));
                None
            }
        };
        let gpus = count(&c.gpus, "claim.gpus", 10_000_000);
        let racks = count(&c.racks, "claim.racks", 200_000);
        let word = |x: &Option<toml::Spanned<String>>| x.as_ref().map(|s| (s.get_ref().to_lowercase(), s.span()));
        let cooling = match word(&c.cooling) {
            None => None,
            Some((w, _)) if w == "liquid" => Some(Cooling::Liquid),
            Some((w, _)) if w == "air" => Some(Cooling::Air),
            Some((w, _)) if w == "hybrid" => Some(Cooling::Hybrid),
            Some((w, span)) => {
                self.problem(Diagnostic::at(span, format!("cooling `{w}`: give liquid, air or hybrid")));
                None
            }
        };
        let ups = match word(&c.ups) {
            None => None,
            Some((w, _)) if w == "eco" => Some(Ups::Eco),
            Some((w, _)) if w == "double-conversion" => Some(Ups::DoubleConversion),
            Some((w, span)) => {
                self.problem(Diagnostic::at(span, format!("ups `{w}`: give eco or double-conversion")));
                None
            }
        };
        let precision = match word(&c.precision) {
            None => None,
            Some((w, span)) => match crate::catalog::Precision::ALL.iter().find(|p| p.name() == w) {
                Some(p) => Some(*p),
                None => {
                    self.problem(Diagnostic::at(span, format!("precision `{w}`: give fp4, fp8, bf16, tf32 or fp64")));
                    None
                }
            },
        };
        if let Some(m) = &c.model {
            self.reference(&self.catalog.models, m, "claim.model");
        }
        if self.problems.len() > before {
            return None;
        }
        Some(super::ClaimSpec {
            text: c.text.into_inner(),
            context: crate::claim::Context {
                system: c.system.map(|s| s.into_inner()),
                gpus,
                racks,
                site: c.site.map(|s| s.into_inner()),
                cooling,
                ups,
                precision,
                model: c.model.map(|s| s.into_inner()),
            },
        })
    }

    fn cluster(&mut self, c: Spanned<ClusterWire>) -> Option<Cluster> {
        let span = c.span();
        let c = c.into_inner();
        let catalog = self.catalog;
        let system = self.reference(&catalog.systems, &c.system, "cluster.system");
        let fabric = c.fabric.as_ref().and_then(|f| self.scaleout_fabric(f));
        let cap = c.gpu_power_cap_w.as_ref().and_then(|p| self.positive(p, "cluster.gpu_power_cap_w", "W"));
        let sizes = [("racks", &c.racks), ("nodes", &c.nodes), ("gpus", &c.gpus)];
        let given: Vec<_> = sizes.iter().filter_map(|(k, v)| v.as_ref().map(|v| (*k, v))).collect();
        let size = match given.as_slice() {
            [] => {
                self.problem(
                    Diagnostic::at(span, "`[cluster]` says how much hardware with none of `racks`, `nodes`, `gpus`")
                        .with_help("add one, e.g. `racks = 64`"),
                );
                None
            }
            [(key, value)] => self.count(value, &format!("cluster.{key}")).map(|n| (*key, n, value.span())),
            [_, (second, value), ..] => {
                self.problem(
                    Diagnostic::at(
                        value.span(),
                        format!("`cluster.{second}` given as well as `cluster.{}`", given[0].0),
                    )
                    .with_help("give exactly one of `racks`, `nodes`, `gpus`"),
                );
                None
            }
        };
        let system = system?;
        if let (Some(cap), Some(p)) = (cap, &c.gpu_power_cap_w) {
            self.cap_within_rating(system, cap, p);
        }
        let (gpus, nodes, racks) = self.resolve_size(system, size?)?;
        if gpus % system.gpus_per_domain.get() != 0 {
            self.warnings.push(Warning::PartialDomain { gpus, domain: system.gpus_per_domain.get() });
        }
        let fabric = fabric.unwrap_or_else(|| FabricId(system.scaleout_fabric.get_ref().clone()));
        let routing =
            c.routing.as_ref().map(|r| r.get_ref().parse::<crate::catalog::Routing>().map_err(|e| (e, r.span())));
        let routing = match routing {
            None => None,
            Some(Ok(r)) => Some(r),
            Some(Err((e, span))) => {
                self.problem(
                    Diagnostic::at(span, format!("`cluster.routing`: {e}"))
                        .with_help("leave it out to use the fabric's routing from the catalog"),
                );
                return None;
            }
        };
        let leaf_oversubscription = match &c.leaf_oversubscription {
            None => 1.0,
            Some(x) if (1.0..=MAX_OVERSUBSCRIPTION).contains(x.get_ref()) => *x.get_ref(),
            Some(x) => {
                self.problem(
                    Diagnostic::at(
                        x.span(),
                        format!("`cluster.leaf_oversubscription` is {}, not a down:up ratio", fmt_num(*x.get_ref())),
                    )
                    .with_help(format!(
                        "give 1 (non-blocking) to {MAX_OVERSUBSCRIPTION}; AI fabrics are built 1:1 to 3:1"
                    )),
                );
                return None;
            }
        };
        Some(Cluster {
            system: SystemId(system.id().to_owned()),
            gpus,
            nodes,
            racks,
            fabric,
            routing,
            leaf_oversubscription,
            gpu_power_cap: cap.map(Watts),
        })
    }

    /// GPUs, nodes and racks from whichever one was given.
    fn resolve_size(
        &mut self,
        s: &System,
        (key, n, span): (&str, u32, std::ops::Range<usize>),
    ) -> Option<(u32, u32, u32)> {
        let (per_node, per_rack) = (s.gpus_per_node.get(), s.nodes_per_rack.get());
        let nodes = match key {
            "racks" => n.checked_mul(per_rack),
            "nodes" => Some(n),
            _ if n % per_node != 0 => {
                let lo = n / per_node * per_node;
                let hint = match (lo, lo.checked_add(per_node)) {
                    (0, Some(hi)) => format!("try {hi}"),
                    (lo, Some(hi)) => format!("try {lo} or {hi}"),
                    (lo, None) => format!("try {lo}"),
                };
                self.problem(
                    Diagnostic::at(
                        span,
                        format!("{n} GPUs is not a whole number of `{}` nodes of {per_node} GPUs", s.id()),
                    )
                    .with_help(hint),
                );
                return None;
            }
            _ => Some(n / per_node),
        };
        let Some(gpus) = nodes.and_then(|nodes| nodes.checked_mul(per_node)) else {
            self.problem(Diagnostic::at(span, format!("{n} {key} is too large to simulate")));
            return None;
        };
        let nodes = gpus / per_node;
        Some((gpus, nodes, nodes.div_ceil(per_rack)))
    }

    fn cap_within_rating(&mut self, s: &System, cap: f64, at: &Spanned<f64>) {
        let catalog = self.catalog;
        let Some(gpu) = catalog.gpus.find(s.accelerator.get_ref()) else {
            return;
        };
        let (_, max) = gpu.power_w.range();
        if cap > max {
            self.problem(
                Diagnostic::at(at.span(), format!("power cap {cap} W is above the {} rating of {max} W", gpu.id()))
                    .with_help(format!("use at most {max}, or remove the cap")),
            );
        } else if cap < 0.5 * gpu.power_w.value {
            self.warnings.push(Warning::LowPowerCap {
                cap_w: cap,
                gpu: gpu.id().to_owned(),
                rating_w: gpu.power_w.value,
            });
        }
    }

    fn scaleout_fabric(&mut self, f: &Spanned<String>) -> Option<FabricId> {
        let catalog = self.catalog;
        let fabric = self.reference(&catalog.fabrics, f, "cluster.fabric")?;
        if fabric.tier != FabricTier::ScaleOut {
            let outs: Vec<&str> =
                catalog.fabrics.iter().filter(|f| f.tier == FabricTier::ScaleOut).map(|f| f.id()).collect();
            self.problem(
                Diagnostic::at(
                    f.span(),
                    format!("`{}` is a scale-up fabric; `cluster.fabric` is the scale-out network", fabric.id()),
                )
                .with_help(format!("use one of {}", outs.join(", "))),
            );
            return None;
        }
        Some(FabricId(fabric.id().to_owned()))
    }

    fn facility(&mut self, f: FacilityWire) -> Option<Facility> {
        let catalog = self.catalog;
        let before = self.problems.len();
        let site = f.site.as_ref().and_then(|s| self.reference(&catalog.sites, s, "facility.site"));
        if let Some(pue) = &f.pue {
            self.pue(pue);
        }
        let price = f
            .electricity_usd_per_kwh
            .as_ref()
            .and_then(|p| self.non_negative(p, "facility.electricity_usd_per_kwh", "USD/kWh"))
            .and_then(|p| {
                if p <= MAX_USD_PER_KWH {
                    return Some(p);
                }
                let span = f.electricity_usd_per_kwh.as_ref().map(Spanned::span).unwrap_or_default();
                self.problem(
                    Diagnostic::at(
                        span,
                        format!("`facility.electricity_usd_per_kwh` is {}, above {MAX_USD_PER_KWH}", fmt_num(p)),
                    )
                    .with_help("industrial tariffs are 0.03-0.30 USD/kWh"),
                );
                None
            });
        let tariff_price = site.and_then(|s| catalog.tariffs.find(s.tariff.get_ref())).map(|t| t.usd_per_kwh.value);
        use crate::model::facility::{Cooling, Ups};
        let cooling = f.cooling.as_ref().and_then(|c| match c.get_ref().as_str() {
            "liquid" => Some(Cooling::Liquid),
            "air" => Some(Cooling::Air),
            "hybrid" => Some(Cooling::Hybrid),
            other => {
                self.problem(
                    Diagnostic::at(c.span(), format!("`facility.cooling` is `{other}`"))
                        .with_help("one of `liquid`, `air`, `hybrid`"),
                );
                None
            }
        });
        let ups = f.ups.as_ref().and_then(|u| match u.get_ref().as_str() {
            "double-conversion" => Some(Ups::DoubleConversion),
            "eco" => Some(Ups::Eco),
            other => {
                self.problem(
                    Diagnostic::at(u.span(), format!("`facility.ups` is `{other}`"))
                        .with_help("one of `double-conversion`, `eco`"),
                );
                None
            }
        });
        if let Some(t) = &f.supply_temp_c {
            // Without `cooling` the design is the system's, resolved later; only the widest range applies here.
            let (design, (lo, hi)) = match cooling {
                Some(c) => (c.name(), super::supply_range(c)),
                None => ("any", (super::supply_range(Cooling::Air).0, super::supply_range(Cooling::Liquid).1)),
            };
            let x = *t.get_ref();
            if !(lo..=hi).contains(&x) {
                self.problem(
                    Diagnostic::at(t.span(), format!("`facility.supply_temp_c` is {x} °C, outside the {design} design range"))
                        .with_help(format!(
                            "accepted: {lo}-{hi} °C (liquid: coolant at the rack inlet 15-45; air and hybrid: chilled water 5-25)"
                        )),
                );
            }
        }
        (self.problems.len() == before).then(|| Facility {
            site: site.map(|s| SiteId(s.id().to_owned())),
            pue: f.pue.map(|p| *p.get_ref()),
            electricity_usd_per_kwh: price.or(tariff_price),
            cooling,
            supply_temp_c: f.supply_temp_c.map(|t| *t.get_ref()),
            ups,
            zero_water: f.zero_water.unwrap_or(false),
            weather: f.weather,
        })
    }

    fn pue(&mut self, pue: &Spanned<f64>) {
        let x = *pue.get_ref();
        if !x.is_finite() {
            self.problem(Diagnostic::at(pue.span(), format!("`facility.pue` is {x}, but it must be a finite number")));
        } else if x < 1.0 {
            self.problem(
                Diagnostic::at(
                    pue.span(),
                    format!("`facility.pue` is {x}, but a PUE is at least 1 (facility energy over IT energy)"),
                )
                .with_help("typical values: 1.08-1.2 for liquid-cooled AI halls, ~1.55 industry average"),
            );
        } else if x < LOWEST_REPORTED_PUE {
            self.warnings.push(Warning::PueBelowReported { pue: x, lowest: LOWEST_REPORTED_PUE });
        } else if x > MAX_PUE {
            self.problem(
                Diagnostic::at(pue.span(), format!("`facility.pue` is {}, above {MAX_PUE}", fmt_num(x)))
                    .with_help("the worst data halls measured are near 3; ~1.55 is the industry average"),
            );
        } else if x > 3.0 {
            self.warnings.push(Warning::PueImplausiblyHigh { pue: x });
        }
    }

    fn workload(&mut self, w: WorkloadWire) -> Option<Workload> {
        let Some(u) = &w.utilization else {
            return Some(Workload { utilization: Fraction::new(1.0).expect("1 is a fraction") });
        };
        match Fraction::new(*u.get_ref()) {
            Some(f) => Some(Workload { utilization: f }),
            None => {
                self.problem(
                    Diagnostic::at(
                        u.span(),
                        format!("`workload.utilization` is {}, but a fraction is between 0 and 1", u.get_ref()),
                    )
                    .with_help("write 85% as 0.85"),
                );
                None
            }
        }
    }

    /// Looks up an id of some kind, reporting an unknown one with suggestions.
    pub(super) fn reference<'c, E: Entry>(
        &mut self,
        table: &'c Table<E>,
        id: &Spanned<String>,
        field: &str,
    ) -> Option<&'c E> {
        match table.get(id.get_ref()) {
            Ok(e) => Some(e),
            Err(CatalogError::Unknown { kind, query, suggestions }) => {
                let help = suggest::did_you_mean(&suggestions)
                    .unwrap_or_else(|| format!("see `rackscale catalog list --kind {}`", kind.name()));
                self.problem(
                    Diagnostic::at(id.span(), format!("unknown {kind} `{query}` at `{field}`")).with_help(help),
                );
                None
            }
            Err(other) => {
                self.problem(Diagnostic::at(id.span(), other.to_string()));
                None
            }
        }
    }

    pub(super) fn count(&mut self, n: &Spanned<i64>, field: &str) -> Option<u32> {
        match u32::try_from(*n.get_ref()) {
            Ok(v) if v > 0 => Some(v),
            Err(_) if *n.get_ref() > 0 => {
                self.problem(
                    Diagnostic::at(n.span(), format!("`{field}` is {}, too large to model", n.get_ref()))
                        .with_help(format!("rackscale models up to {} of them", u32::MAX)),
                );
                None
            }
            _ => {
                let unit = field.rsplit('.').next().unwrap_or(field);
                self.problem(
                    Diagnostic::at(n.span(), format!("`{field}` is {}, but a cluster needs at least one", n.get_ref()))
                        .with_help(format!("give a whole number of {unit} of 1 or more")),
                );
                None
            }
        }
    }

    pub(super) fn positive(&mut self, x: &Spanned<f64>, field: &str, unit: &str) -> Option<f64> {
        let v = *x.get_ref();
        if v > 0.0 && v.is_finite() {
            return Some(v);
        }
        self.problem(Diagnostic::at(
            x.span(),
            format!("`{field}` is {} {unit}, but it must be more than zero", fmt_num(v)),
        ));
        None
    }

    fn non_negative(&mut self, x: &Spanned<f64>, field: &str, unit: &str) -> Option<f64> {
        let v = *x.get_ref();
        if v >= 0.0 && v.is_finite() {
            return Some(v);
        }
        self.problem(Diagnostic::at(
            x.span(),
            format!("`{field}` is {} {unit}, but it cannot be negative", fmt_num(v)),
        ));
        None
    }

    pub(super) fn problems_len(&self) -> usize {
        self.problems.len()
    }

    pub(super) fn problem(&mut self, d: Diagnostic) {
        self.problems.push(d);
    }
}
