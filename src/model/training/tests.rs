//! Properties of the step model over random valid plans.

use super::plan::Stack;
use super::search::{Space, candidates};
use super::{Plan, Recipe, Recompute, Shape, StepInput, evaluate};
use crate::catalog::{Catalog, Figure, Precision};
use crate::data::{collective_params, default_profile};
use crate::pipeline::training::Setup;
use crate::topology::FabricOptions;
use proptest::prelude::*;

fn setup(model: &str, system: &str, gpus: u64) -> Setup {
    Setup::new(&Catalog::builtin().unwrap(), model, system, gpus, &FabricOptions::default()).unwrap()
}

fn plans(s: &Setup, gb: u32, seq: u32) -> Vec<Plan> {
    let space = Space {
        gpus: s.topology.gpus,
        domain: s.domain,
        global_batch: gb,
        seq_len: seq,
        precision: Recipe::Bf16,
        lora_rank: None,
    };
    candidates(&s.shape, &space)
}

fn time(s: &Setup, plan: &Plan) -> f64 {
    s.step(plan, &collective_params(), &default_profile()).unwrap().step_time_s
}

fn scaled(f: &Option<Figure>, k: f64) -> Option<Figure> {
    f.as_ref().map(|f| Figure::exact(f.value * k))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn faster_compute_never_slows_a_step(i in any::<prop::sample::Index>(), k in 1.0f64..4.0) {
        let s = setup("llama3-70b", "hgx-h100", 256);
        let all = plans(&s, 512, 8192);
        let plan = all[i.index(all.len())];
        let mut fast = s.clone();
        fast.gpu.bf16_tflops = Figure::exact(s.gpu.bf16_tflops.value * k);
        fast.gpu.fp8_tflops = scaled(&s.gpu.fp8_tflops, k);
        fast.gpu.hbm_tb_per_s = Figure::exact(s.gpu.hbm_tb_per_s.value * k);
        prop_assert!(time(&fast, &plan) <= time(&s, &plan) * (1.0 + 1e-12), "{plan}");
    }

    #[test]
    fn faster_links_never_slow_a_step(i in any::<prop::sample::Index>(), k in 1.0f64..4.0) {
        let s = setup("gpt3-175b", "hgx-h100", 1024);
        let all = plans(&s, 1536, 2048);
        let plan = all[i.index(all.len())];
        let mut fast = s.clone();
        fast.topology.scale_up.bw = s.topology.scale_up.bw * k;
        fast.topology.nic_bw_per_gpu = s.topology.nic_bw_per_gpu * k;
        fast.topology.tree.spec.port_bw = s.topology.tree.spec.port_bw * k;
        prop_assert!(time(&fast, &plan) <= time(&s, &plan) * (1.0 + 1e-12), "{plan}");
    }

    /// An accelerator faster by every mechanism the step model has (tensor
    /// peaks, HBM, links, sustained clock, attention kernels, block-scaled
    /// GEMMs) is never slower, in every recipe, dense or MoE.
    #[test]
    fn faster_by_every_mechanism_is_never_slower(
        i in any::<prop::sample::Index>(),
        k in prop::collection::vec(1.0f64..3.0, 6),
        moe in any::<bool>(),
        recipe in prop::sample::select(vec![Recipe::Bf16, Recipe::Fp8, Recipe::Mxfp8, Recipe::Nvfp4]),
    ) {
        let (model, gpus) = if moe { ("qwen3-30b-a3b", 72) } else { ("llama3-70b", 144) };
        let s = setup(model, "gb300-nvl72", gpus);
        let all: Vec<Plan> =
            plans(&s, 288, 4096).into_iter().map(|p| Plan { precision: recipe, ..p }).collect();
        let plan = all[i.index(all.len())];
        let base = default_profile();
        let mut fast = s.clone();
        for f in [&mut fast.gpu.fp8_tflops, &mut fast.gpu.fp4_tflops, &mut fast.gpu.tf32_tflops] {
            *f = scaled(f, k[0]);
        }
        fast.gpu.bf16_tflops = Figure::exact(s.gpu.bf16_tflops.value * k[0]);
        fast.gpu.hbm_tb_per_s = Figure::exact(s.gpu.hbm_tb_per_s.value * k[1]);
        fast.topology.scale_up.bw = s.topology.scale_up.bw * k[2];
        fast.topology.nic_bw_per_gpu = s.topology.nic_bw_per_gpu * k[2];
        let mut quick = base.clone();
        quick.attention_kernel_share = (base.attention_kernel_share * k[3]).min(1.0);
        quick.block_scaled_gemm_factor = (base.block_scaled_gemm_factor * k[4]).min(1.0);
        for d in quick.device.iter_mut().filter(|d| d.accelerator == "gb300") {
            d.training_clock = Some(d.training_clock.unwrap_or(1.0) * k[5]);
        }
        let slow_t = s.step(&plan, &collective_params(), &base).unwrap().step_time_s;
        let fast_t = fast.step(&plan, &collective_params(), &quick).unwrap().step_time_s;
        prop_assert!(fast_t <= slow_t * (1.0 + 1e-12), "{plan} {recipe}: {fast_t} > {slow_t}");
    }
}

#[test]
fn memory_grows_with_micro_batch_and_falls_with_zero() {
    let s = setup("llama3-70b", "hgx-h100", 64);
    let base = Plan {
        tp: 8,
        pp: 2,
        vp: 1,
        cp: 1,
        ep: 1,
        dp: 4,
        micro_batch: 1,
        global_batch: 64,
        seq_len: 8192,
        precision: Recipe::Bf16,
        recompute: Recompute::Selective,
        zero: 0,
        sequence_parallel: true,
        lora_rank: None,
        tp_across_domains: false,
        stack: Stack::Modern,
    };
    let mem = |p: Plan| s.step(&p, &collective_params(), &default_profile()).unwrap().memory_per_gpu_bytes;
    let mut last = 0.0;
    for mb in [1, 2, 4, 8] {
        let m = mem(Plan { micro_batch: mb, ..base });
        assert!(m > last, "micro-batch {mb}: {m} <= {last}");
        last = m;
    }
    let mut last = f64::INFINITY;
    for zero in 0..=3 {
        let m = mem(Plan { zero, ..base });
        assert!(m < last, "zero {zero}: {m} >= {last}");
        last = m;
    }
    let lora = mem(Plan { lora_rank: Some(16), ..base });
    assert!(lora < mem(base) * 0.5, "LoRA keeps no gradients or optimizer states for frozen weights");
}

#[test]
fn recompute_trades_time_for_memory() {
    let s = setup("gpt3-175b", "hgx-h100", 512);
    let base =
        plans(&s, 2048, 2048).into_iter().find(|p| p.tp == 8 && p.pp == 8 && p.recompute == Recompute::None).unwrap();
    let run = |r| s.step(&Plan { recompute: r, ..base }, &collective_params(), &default_profile()).unwrap();
    let (none, full) = (run(Recompute::None), run(Recompute::Full));
    assert!(full.step_time_s > none.step_time_s && full.memory_per_gpu_bytes < none.memory_per_gpu_bytes);
    assert!(full.hfu > full.mfu, "recompute is hardware work, not model work");
}

#[test]
fn mfu_is_model_flops_over_peak() {
    let s = setup("megatron-18.4b", "hgx-a100", 256);
    let plan = plans(&s, 1024, 2048).into_iter().find(|p| p.tp == 8 && p.pp == 1 && p.micro_batch == 4).unwrap();
    let step = s.step(&plan, &collective_params(), &default_profile()).unwrap();
    let flops = s.shape.model_flops_per_token(2048.0) * 1024.0 * 2048.0;
    let mfu = flops / step.step_time_s / 256.0 / 312e12;
    assert!((step.mfu - mfu).abs() < 1e-12);
    assert!((step.model_tflops_per_gpu - step.mfu * 312.0).abs() < 1e-9);
}

#[test]
fn step_input_is_what_evaluate_reads() {
    // evaluate() is pure: the same input twice gives the same step, bit for bit.
    let s = setup("mixtral-8x7b", "hgx-h100", 64);
    let plan = plans(&s, 256, 4096).into_iter().find(|p| p.ep > 1).expect("a plan with expert parallelism");
    let input = StepInput {
        shape: &s.shape,
        plan: &plan,
        gpu: &s.gpu,
        topology: &s.topology,
        collectives: &collective_params(),
        profile: &default_profile(),
    };
    let a = evaluate(&input).unwrap();
    assert_eq!(a, evaluate(&input).unwrap());
    assert!(a.breakdown.ep_s > 0.0, "MoE with ep > 1 pays all-to-all");
    let _: &Shape = &s.shape;
}

fn plan(tp: u32, pp: u32, cp: u32, ep: u32, dp: u32, gb: u32, seq: u32) -> Plan {
    Plan {
        tp,
        pp,
        vp: 1,
        cp,
        ep,
        dp,
        micro_batch: 1,
        global_batch: gb,
        seq_len: seq,
        precision: Recipe::Bf16,
        recompute: Recompute::Full,
        zero: 1,
        sequence_parallel: tp > 1,
        lora_rank: None,
        tp_across_domains: false,
        stack: Stack::Modern,
    }
}

#[test]
fn expert_states_shard_only_over_their_replicas() {
    // Mixtral 8x7B, one expert per GPU (ep 8 = dp 8): each expert has no data-parallel copy,
    // so ZeRO-1 cannot shard its optimizer states; ~42B expert params x 12 B / 8 GPUs ≈ 63 GB.
    let s = setup("mixtral-8x7b", "hgx-h100", 8);
    let step = s.step(&plan(1, 1, 1, 8, 8, 64, 4096), &collective_params(), &default_profile()).unwrap();
    assert!(step.memory.optimizer > 55e9, "{}", step.memory.optimizer);
    assert!(!step.fits);
}

#[test]
fn context_parallel_ranks_reduce_gradients() {
    let s = setup("llama3-8b", "hgx-h100", 16);
    let step = s.step(&plan(1, 1, 16, 1, 1, 1, 65536), &collective_params(), &default_profile()).unwrap();
    assert!(step.breakdown.dp_s > 0.0 || step.breakdown.compute_s > 10.0 * step.breakdown.dp_s);
    let grads = step.memory.optimizer / 12.0;
    assert!(grads < s.shape.params() / 15.0, "ZeRO-1 shards over dp x cp = 16");
}

#[test]
fn flash_attention_keeps_no_score_matrix() {
    let s = setup("llama3-70b", "hgx-h100", 64);
    let mut p = plan(8, 8, 1, 1, 1, 8, 8192);
    p.recompute = Recompute::None;
    let modern = s.step(&p, &collective_params(), &default_profile()).unwrap();
    p.stack = Stack::Megatron2021;
    let legacy = s.step(&p, &collective_params(), &default_profile()).unwrap();
    assert!(legacy.memory.activations > 3.0 * modern.memory.activations);
}

#[test]
fn lora_utilisation_stays_below_the_gemm_ceiling() {
    let s = setup("llama2-70b", "hgx-b200", 8);
    let mut p = plan(1, 8, 1, 1, 1, 640, 4096);
    p.vp = 10;
    p.recompute = Recompute::Selective;
    p.lora_rank = Some(16);
    let step = s.step(&p, &collective_params(), &default_profile()).unwrap();
    assert!(step.hfu < default_profile().gemm("b200", Precision::Bf16), "{}", step.hfu);
}

#[test]
fn uneven_stages_are_allowed_and_slowest_sets_the_pace() {
    // Llama 3 405B's 126 layers on 16 stages, as Meta ran it: the busiest stage holds 8.
    let s = setup("llama3-405b", "hgx-h100", 16 * 8);
    let p = plan(8, 16, 1, 1, 1, 16, 8192);
    assert_eq!(p.layers_per_stage(126), 8);
    assert!(s.step(&p, &collective_params(), &default_profile()).is_ok());
}

#[test]
fn two_profiles_give_different_sensible_times() {
    let s = setup("gpt3-175b", "hgx-h100", 512);
    let p = plans(&s, 1536, 2048).into_iter().find(|p| p.tp == 8 && p.pp == 8 && p.micro_batch == 1).unwrap();
    let base = default_profile();
    let mut slow = base.clone();
    for d in slow.device.iter_mut().filter(|d| d.accelerator == "h100") {
        d.bf16 = d.bf16.map(|e| e / 2.0);
    }
    let a = s.step(&p, &collective_params(), &base).unwrap();
    let b = s.step(&p, &collective_params(), &slow).unwrap();
    // Halving GEMM efficiency slows the step, by less than 2x (attention, communication unchanged).
    assert!(
        b.step_time_s > a.step_time_s * 1.3 && b.step_time_s < a.step_time_s * 2.0,
        "{} vs {}",
        a.step_time_s,
        b.step_time_s
    );
}
