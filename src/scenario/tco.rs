//! `[tco]`: the options to compare and the uncertain inputs, checked with
//! spans. A number is a known value; `{ low, high }` is uniform, with `mode`
//! triangular, with `dist = "lognormal"` lognormal (low and high its 5th and
//! 95th percentiles).

use super::validate::Validator;
use crate::catalog::fmt_num;
use crate::diag::Diagnostic;
use crate::model::tco::Dist;

/// Highest electricity price accepted \[USD/kWh\] (ten times the dearest tariffs).
const MAX_USD_PER_KWH: f64 = 5.0;
/// Highest rental price accepted \[USD/GPU-hour\] (a hundred times list prices).
const MAX_USD_PER_GPU_HOUR: f64 = 1000.0;
use serde::Deserialize;
use toml::Spanned;

/// A value or a distribution, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(super) enum DistWire {
    /// Known.
    Number(f64),
    /// A range.
    Range {
        /// Lowest (or 5th percentile).
        low: f64,
        /// Highest (or 95th percentile).
        high: f64,
        /// Most likely (triangular).
        mode: Option<f64>,
        /// `uniform`, `triangular` or `lognormal`.
        dist: Option<String>,
    },
}

/// `[tco]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TcoWire {
    pub horizon_years: Option<Spanned<f64>>,
    pub start_year: Option<Spanned<f64>>,
    pub samples: Option<Spanned<i64>>,
    pub currency: Option<Spanned<String>>,
    pub usd_per_unit: Option<Spanned<f64>>,
    pub wacc: Option<Spanned<DistWire>>,
    pub utilization: Option<Spanned<DistWire>>,
    pub goodput: Option<Spanned<DistWire>>,
    pub pue: Option<Spanned<DistWire>>,
    pub electricity_usd_per_kwh: Option<Spanned<DistWire>>,
    pub data_tb: Option<Spanned<DistWire>>,
    pub checkpoint_tb: Option<Spanned<DistWire>>,
    pub move_in_year: Option<Spanned<f64>>,
    pub eu_customer: Option<bool>,
    pub reengineering_fte_months: Option<Spanned<DistWire>>,
    pub overlap_months: Option<Spanned<DistWire>>,
    pub run_tokens: Option<Spanned<f64>>,
    #[serde(default)]
    pub option: Vec<Spanned<OptionWire>>,
}

/// `[[tco.option]]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct OptionWire {
    pub name: Option<String>,
    pub kind: Spanned<String>,
    pub offer: Option<Spanned<String>>,
    pub provider: Option<Spanned<String>>,
    pub usd_per_gpu_hour: Option<Spanned<DistWire>>,
    pub facility: Option<Spanned<String>>,
    pub node_usd: Option<Spanned<DistWire>>,
    pub exit_waiver: Option<bool>,
    pub moves: Option<bool>,
    #[serde(default)]
    pub split: Vec<Spanned<SplitWire>>,
}

/// `[[tco.option.split]]` as written: one cloud's share of a multi-cloud option.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SplitWire {
    pub offer: Option<Spanned<String>>,
    pub usd_per_gpu_hour: Option<Spanned<DistWire>>,
    pub share: Spanned<f64>,
}

/// One cloud of a multi-cloud option.
#[derive(Debug, Clone, PartialEq)]
pub struct SplitPart {
    /// Offer id or `part N`.
    pub name: String,
    /// Price \[USD per GPU-hour\].
    pub usd_per_gpu_hour: Dist,
    /// Share of the GPU-hours.
    pub share: f64,
}

/// How an owned cluster is housed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Housing {
    /// A hall built for it.
    Build,
    /// Colocation per kW-month.
    Colo,
}

/// One option, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct TcoOption {
    /// Name.
    pub name: String,
    /// Own, rent (how) or training as a service.
    pub kind: OptionKind,
    /// Catalog offer id, if any.
    pub offer: Option<String>,
    /// Provider (for egress), from the offer or given.
    pub provider: Option<String>,
    /// Price per GPU-hour \[USD\] (converted), if given.
    pub usd_per_gpu_hour: Option<Dist>,
    /// Housing (own).
    pub housing: Housing,
    /// Node price \[USD\] (converted), if given (own).
    pub node_usd: Option<Dist>,
    /// Override of the provider's exit waiver.
    pub exit_waiver: Option<bool>,
    /// Whether this option moves to another provider at `move_in_year`.
    pub moves: bool,
    /// A multi-cloud split (empty for one provider).
    pub split: Vec<SplitPart>,
}

/// `[tco]`, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Tco {
    /// Years compared.
    pub horizon_years: f64,
    /// Calendar year of the start (for the EU Data Act timeline).
    pub start_year: f64,
    /// Monte Carlo draws.
    pub samples: usize,
    /// Overrides of the defaults.
    pub wacc: Option<Dist>,
    /// Share of GPU-hours with work.
    pub utilization: Option<Dist>,
    /// Share of allocated GPU-hours that is useful.
    pub goodput: Option<Dist>,
    /// PUE (default: the facility model's for the scenario's site).
    pub pue: Option<Dist>,
    /// Electricity price \[USD/kWh\] (converted).
    pub usd_per_kwh: Option<Dist>,
    /// Training data \[TB\].
    pub data_tb: Dist,
    /// Checkpoints \[TB\].
    pub checkpoint_tb: Dist,
    /// Year of a move to another provider.
    pub move_in_year: Option<f64>,
    /// An EU customer (the Data Act caps and then bans switching charges).
    pub eu_customer: bool,
    /// Re-engineering effort of a move \[FTE-months\].
    pub reengineering_fte_months: Option<Dist>,
    /// Months of paying twice.
    pub overlap_months: Option<Dist>,
    /// Tokens of one training run (default: the `[training]` job's).
    pub run_tokens: Option<f64>,
    /// Options.
    pub options: Vec<TcoOption>,
}

/// How an option gets its GPUs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionKind {
    /// Bought and run.
    Own,
    /// Rented by the hour, no commitment.
    OnDemand,
    /// Rented on a one-year commitment.
    Reserved1y,
    /// Rented on a three-year commitment.
    Reserved3y,
    /// Rented as a block of fixed duration.
    CapacityBlock,
    /// Bought as training runs.
    Taas,
}

impl OptionKind {
    /// The one name table.
    pub const NAMES: [(&'static str, OptionKind); 6] = [
        ("own", Self::Own),
        ("on_demand", Self::OnDemand),
        ("reserved_1y", Self::Reserved1y),
        ("reserved_3y", Self::Reserved3y),
        ("capacity_block", Self::CapacityBlock),
        ("taas", Self::Taas),
    ];

    /// Name in files and output.
    pub fn name(self) -> &'static str {
        Self::NAMES.iter().find(|(_, k)| *k == self).map_or("?", |(n, _)| n)
    }
}

/// Kinds of option, by name.
pub const KINDS: [&str; 6] = ["own", "on_demand", "reserved_1y", "reserved_3y", "capacity_block", "taas"];

impl Validator<'_> {
    /// Checks `[tco]`.
    pub(super) fn tco(
        &mut self,
        w: TcoWire,
        cluster: Option<&super::Cluster>,
        facility: Option<&super::Facility>,
    ) -> Option<Tco> {
        let before = self.problems_len();
        let rate = match (&w.currency, &w.usd_per_unit) {
            (Some(c), rate) if !c.get_ref().eq_ignore_ascii_case("usd") => match rate {
                Some(r) if *r.get_ref() > 0.0 && r.get_ref().is_finite() => *r.get_ref(),
                Some(r) => {
                    self.problem(
                        Diagnostic::at(r.span(), format!("`tco.usd_per_unit` is {}", r.get_ref()))
                            .with_help("give how many USD one unit of the currency buys, above 0"),
                    );
                    1.0
                }
                None => {
                    self.problem(
                        Diagnostic::at(
                            c.span(),
                            format!("`tco.currency` is `{}` but no exchange rate is given", c.get_ref()),
                        )
                        .with_help("add `usd_per_unit = ...` (USD per unit of the currency), or give prices in USD"),
                    );
                    1.0
                }
            },
            _ => 1.0,
        };
        let horizon = match &w.horizon_years {
            Some(h) if *h.get_ref() > 0.0 && *h.get_ref() <= 30.0 => *h.get_ref(),
            Some(h) => {
                self.problem(
                    Diagnostic::at(h.span(), format!("`tco.horizon_years` is {}", fmt_num(*h.get_ref())))
                        .with_help("give the years compared, above 0 and at most 30"),
                );
                1.0
            }
            None => 5.0,
        };
        let samples = match &w.samples {
            Some(n) if (1..=1_000_000).contains(n.get_ref()) => *n.get_ref() as usize,
            Some(n) => {
                self.problem(
                    Diagnostic::at(n.span(), format!("`tco.samples` is {}", n.get_ref()))
                        .with_help("give 1 to 1,000,000 draws"),
                );
                1
            }
            None => 2000,
        };
        // A share of hours with work, or of it useful: some, or no GPU-hour is ever useful.
        let frac = |v: &mut Self, d: &Option<Spanned<DistWire>>, f: &str| v.dist(d, f, 0.01, Some(1.0), 1.0);
        let tco = Tco {
            horizon_years: horizon,
            start_year: match &w.start_year {
                None => 2026.0,
                Some(y) if (2000.0..=2100.0).contains(y.get_ref()) => *y.get_ref(),
                Some(y) => {
                    self.problem(
                        Diagnostic::at(y.span(), format!("`tco.start_year` is {}", fmt_num(*y.get_ref())))
                            .with_help("give a calendar year from 2000 to 2100"),
                    );
                    2026.0
                }
            },
            samples,
            wacc: self.dist(&w.wacc, "tco.wacc", 0.0, Some(1.0), 1.0),
            utilization: frac(self, &w.utilization, "tco.utilization"),
            goodput: frac(self, &w.goodput, "tco.goodput"),
            pue: self.dist(&w.pue, "tco.pue", 1.0, Some(3.0), 1.0),
            usd_per_kwh: self.dist(
                &w.electricity_usd_per_kwh,
                "tco.electricity_usd_per_kwh",
                0.0,
                Some(MAX_USD_PER_KWH),
                rate,
            ),
            data_tb: self.dist(&w.data_tb, "tco.data_tb", 0.0, Some(1e7), 1.0).unwrap_or(Dist::Fixed(0.0)),
            checkpoint_tb: self
                .dist(&w.checkpoint_tb, "tco.checkpoint_tb", 0.0, Some(1e7), 1.0)
                .unwrap_or(Dist::Fixed(0.0)),
            move_in_year: w.move_in_year.as_ref().and_then(|y| {
                let x = *y.get_ref();
                if x > 0.0 && x < horizon {
                    Some(x)
                } else {
                    self.problem(
                        Diagnostic::at(y.span(), format!("`tco.move_in_year` is {}", fmt_num(x)))
                            .with_help(format!("give a year after the start and before the horizon (0-{horizon})")),
                    );
                    None
                }
            }),
            eu_customer: w.eu_customer.unwrap_or(false),
            reengineering_fte_months: self.dist(
                &w.reengineering_fte_months,
                "tco.reengineering_fte_months",
                0.0,
                Some(1e5),
                1.0,
            ),
            overlap_months: self.dist(&w.overlap_months, "tco.overlap_months", 0.0, Some(60.0), 1.0),
            run_tokens: w.run_tokens.as_ref().map(|t| *t.get_ref()),
            options: w.option.iter().filter_map(|o| self.tco_option(o, rate)).collect(),
        };
        if let (Some(c), Some(f)) = (cluster, facility) {
            self.tco_against(&w, &tco, c, f);
        }
        if w.option.is_empty() {
            self.problem(Diagnostic::whole_file("`[tco]` has no `[[tco.option]]`").with_help(
                "add options with `kind` = own, on_demand, reserved_1y, reserved_3y, capacity_block or taas",
            ));
        }
        (self.problems_len() == before).then_some(tco)
    }

    /// What `[tco]` needs from the rest of the scenario, checked here so that
    /// `tco` never finds it missing: a switch price for owned options, offers
    /// of the cluster's own GPU, a PUE and an electricity price.
    fn tco_against(&mut self, w: &TcoWire, t: &Tco, c: &super::Cluster, f: &super::Facility) {
        let catalog = self.catalog;
        let system = catalog.systems.find(c.system.as_str());
        let fabric = catalog.fabrics.find(c.fabric.as_str());
        for o in &w.option {
            let kind = o.get_ref().kind.get_ref().as_str();
            if kind == "own" && fabric.is_some_and(|x| x.switch_price_usd.is_none()) {
                self.problem(
                    Diagnostic::at(o.span(), format!("an owned cluster needs its switches priced, and fabric `{}` has no `switch_price_usd` in the catalog", c.fabric.as_str()))
                        .with_help("add `switch_price_usd` to the fabric with a catalog override (--catalog FILE), or rent"),
                );
            }
            let offer = o.get_ref().offer.as_ref();
            if let (Some(id), Some(sys)) = (offer, system)
                && let Some(x) =
                    catalog.offers.find(id.get_ref()).filter(|x| x.accelerator.get_ref() != sys.accelerator.get_ref())
            {
                self.problem(
                    Diagnostic::at(
                        id.span(),
                        format!(
                            "offer `{}` rents {} GPUs, but the cluster's GPUs are {}",
                            x.id.get_ref(),
                            x.accelerator.get_ref(),
                            sys.accelerator.get_ref()
                        ),
                    )
                    .with_help(format!(
                        "pick an offer of {} (`rackscale catalog list --kind offer`)",
                        sys.accelerator.get_ref()
                    )),
                );
            }
        }
        let site = f.site.as_ref().and_then(|id| catalog.sites.find(id.as_str()));
        let climate = site.is_some_and(|s| s.climate.is_some());
        if t.pue.is_none() && f.pue.is_none() && !climate {
            self.problem(Diagnostic::whole_file("`[tco]` has no PUE to price energy with").with_help(
                "give `facility.site` (a site with a climate, for the facility model), `facility.pue` or `tco.pue`",
            ));
        }
        if t.usd_per_kwh.is_none() && f.electricity_usd_per_kwh.is_none() {
            self.problem(Diagnostic::whole_file("`[tco]` has no electricity price").with_help(
                "give `facility.site`, `facility.electricity_usd_per_kwh` or `tco.electricity_usd_per_kwh`",
            ));
        }
    }

    fn tco_option(&mut self, o: &Spanned<OptionWire>, rate: f64) -> Option<TcoOption> {
        let span = o.span();
        let o = o.get_ref();
        let kind = o.kind.get_ref().as_str();
        let Some(&(kind, option_kind)) = OptionKind::NAMES.iter().find(|(n, _)| *n == kind) else {
            let help = crate::suggest::did_you_mean(&crate::suggest::similar(kind, KINDS.iter().copied()))
                .unwrap_or_else(|| format!("one of {}", KINDS.join(", ")));
            self.problem(Diagnostic::at(o.kind.span(), format!("`tco.option.kind` is `{kind}`")).with_help(help));
            return None;
        };
        let catalog = self.catalog;
        let offer = o.offer.as_ref().and_then(|id| self.reference(&catalog.offers, id, "tco.option.offer"));
        if let (Some(f), Some(id)) = (offer, &o.offer) {
            use crate::catalog::Pricing;
            let fits = matches!(
                (kind, f.pricing),
                ("on_demand", Pricing::OnDemand)
                    | ("reserved_1y", Pricing::Reserved1y)
                    | ("reserved_3y", Pricing::Reserved3y)
                    | ("capacity_block", Pricing::CapacityBlock)
            );
            if !fits {
                self.problem(
                    Diagnostic::at(
                        id.span(),
                        format!("offer `{}` is priced {:?}, not as a `{kind}` option", f.id.get_ref(), f.pricing),
                    )
                    .with_help("pick an offer of the option's kind, or give `usd_per_gpu_hour`"),
                );
            }
        }
        let price =
            self.dist(&o.usd_per_gpu_hour, "tco.option.usd_per_gpu_hour", 0.0, Some(MAX_USD_PER_GPU_HOUR), rate);
        let price = price.or_else(|| offer.map(|f| fig_dist(&f.usd_per_gpu_hour)));
        let split = self.split(&o.split, rate);
        let first_split_provider = o
            .split
            .first()
            .and_then(|p| p.get_ref().offer.as_ref())
            .and_then(|id| catalog.offers.get(id.get_ref()).ok())
            .map(|f| f.provider.clone());
        // A price given but out of range is reported above; only a missing one here.
        let given = o.usd_per_gpu_hour.is_some();
        if kind != "own" && !given && price.is_none() && o.offer.is_none() && o.split.is_empty() {
            self.problem(
                Diagnostic::at(span.clone(), format!("the `{kind}` option has no price")).with_help(
                    "give `offer = \"ID\"` (see `rackscale catalog list --kind offer`) or `usd_per_gpu_hour`",
                ),
            );
        }
        let housing = match o.facility.as_ref().map(|f| f.get_ref().as_str()) {
            None | Some("build") => Housing::Build,
            Some("colo") => Housing::Colo,
            Some(other) => {
                let f = o.facility.as_ref().map_or(span.clone(), Spanned::span);
                self.problem(
                    Diagnostic::at(f, format!("`tco.option.facility` is `{other}`")).with_help("`build` or `colo`"),
                );
                Housing::Build
            }
        };
        let provider = o
            .provider
            .as_ref()
            .map(|p| p.get_ref().clone())
            .or_else(|| offer.map(|f| f.provider.clone()))
            .or(first_split_provider);
        Some(TcoOption {
            name: o.name.clone().unwrap_or_else(|| offer.map_or_else(|| kind.to_owned(), |f| f.id.get_ref().clone())),
            kind: option_kind,
            offer: offer.map(|f| f.id.get_ref().clone()),
            provider,
            usd_per_gpu_hour: price,
            housing,
            node_usd: self.dist(&o.node_usd, "tco.option.node_usd", 0.0, None, rate),
            exit_waiver: o.exit_waiver,
            moves: o.moves.unwrap_or(kind != "own" && kind != "taas"),
            split,
        })
    }

    /// A multi-cloud split: prices and shares that add up to 1.
    fn split(&mut self, parts: &[Spanned<SplitWire>], rate: f64) -> Vec<SplitPart> {
        let catalog = self.catalog;
        let mut out = Vec::new();
        for (k, p) in parts.iter().enumerate() {
            let span = p.span();
            let p = p.get_ref();
            let offer = p.offer.as_ref().and_then(|id| self.reference(&catalog.offers, id, "tco.option.split.offer"));
            let price = self
                .dist(&p.usd_per_gpu_hour, "tco.option.split.usd_per_gpu_hour", 0.0, Some(MAX_USD_PER_GPU_HOUR), rate)
                .or_else(|| offer.map(|f| fig_dist(&f.usd_per_gpu_hour)));
            let share = *p.share.get_ref();
            if !(share > 0.0 && share <= 1.0) {
                self.problem(
                    Diagnostic::at(p.share.span(), format!("`tco.option.split.share` is {share}"))
                        .with_help("a share of the GPU-hours, above 0 and at most 1"),
                );
            }
            match price {
                Some(d) => out.push(SplitPart {
                    name: offer.map_or_else(|| format!("part {}", k + 1), |f| f.id.get_ref().clone()),
                    usd_per_gpu_hour: d,
                    share,
                }),
                None if p.offer.is_none() => self.problem(
                    Diagnostic::at(span, "this part of the split has no price")
                        .with_help("give `offer = \"ID\"` or `usd_per_gpu_hour`"),
                ),
                None => {}
            }
        }
        let total: f64 = out.iter().map(|p| p.share).sum();
        if let (false, true, Some(first)) = (out.is_empty(), (total - 1.0).abs() > 1e-6, parts.first()) {
            self.problem(
                Diagnostic::at(first.span(), format!("the split's shares add up to {total}"))
                    .with_help("make the shares of `[[tco.option.split]]` add up to 1"),
            );
        }
        out
    }

    /// A distribution in `[min, max]`, money converted at `rate` USD per unit.
    pub(super) fn dist(
        &mut self,
        d: &Option<Spanned<DistWire>>,
        field: &str,
        min: f64,
        max: Option<f64>,
        rate: f64,
    ) -> Option<Dist> {
        let d = d.as_ref()?;
        let span = d.span();
        let range = match max {
            Some(m) => format!("{min} to {m}"),
            None => format!("{min} or more"),
        };
        let ok = |x: f64| x.is_finite() && x >= min && max.is_none_or(|m| x <= m);
        let bad = |v: &mut Self, what: String| {
            v.problem(
                Diagnostic::at(span.clone(), format!("`{field}` {what}")).with_help(format!("accepted: {range}")),
            );
            None
        };
        match d.get_ref() {
            DistWire::Number(x) if ok(*x) => Some(Dist::Fixed(x * rate)),
            DistWire::Number(x) => bad(self, format!("is {}", fmt_num(*x))),
            DistWire::Range { low, high, mode, dist } => {
                if !ok(*low) || !ok(*high) {
                    return bad(self, format!("has low {} and high {}", fmt_num(*low), fmt_num(*high)));
                }
                if low > high {
                    self.problem(
                        Diagnostic::at(span.clone(), format!("`{field}` has low {low} above high {high}"))
                            .with_help("swap them: low is the smaller"),
                    );
                    return None;
                }
                let (lo, hi) = (low * rate, high * rate);
                match (dist.as_deref(), mode) {
                    (Some("lognormal"), _) if max.is_some() => bad(
                        self,
                        "is lognormal, whose tail would pass its upper bound; use uniform or triangular".to_owned(),
                    ),
                    (Some("uniform"), Some(_)) => bad(self, "is uniform, which takes no `mode`".to_owned()),
                    (Some("lognormal"), _) if *low > 0.0 => Some(Dist::Lognormal { lo, hi }),
                    (Some("lognormal"), _) => bad(self, "is lognormal, so low must be above 0".to_owned()),
                    (Some("triangular") | None, Some(m)) if (low..=high).contains(&m) => {
                        Some(Dist::Triangular { lo, mode: m * rate, hi })
                    }
                    (Some("triangular") | None, Some(m)) => bad(self, format!("has mode {m} outside low..high")),
                    (Some("triangular"), None) => bad(self, "is triangular but has no `mode`".to_owned()),
                    (Some("uniform") | None, None) => Some(Dist::Uniform { lo, hi }),
                    (Some(other), _) => {
                        self.problem(
                            Diagnostic::at(span.clone(), format!("`{field}` has dist `{other}`"))
                                .with_help("one of `uniform`, `triangular` (with `mode`), `lognormal`"),
                        );
                        None
                    }
                }
            }
        }
    }
}

/// A catalog figure as a distribution: triangular over its range, or known.
pub fn fig_dist(f: &crate::catalog::Figure) -> Dist {
    match (f.low, f.high) {
        (Some(lo), Some(hi)) if hi > lo => Dist::Triangular { lo, mode: f.value.clamp(lo, hi), hi },
        _ => Dist::Fixed(f.value),
    }
}
