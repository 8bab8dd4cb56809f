// SPDX-License-Identifier: Apache-2.0
// net_bulk_main: the C++ main of the bulk network runs (sim/net_bulk.py builds it with the generated
// net_bulk_top; no cocotb, no VPI, no --timing). It evaluates the top once (the harness's initial blocks read
// the plusargs and the memory files), then drives `clk` one full period per simulated cycle until the harness
// raises `done` (END op or a fault; its logs are flushed by then) or the design calls $finish/$fatal. It
// times only that loop and writes OUTDIR/sim.json: {"done", "sim_cycles", "wall_s", "cpu_s"}; Python
// (run_bulk) waits for the process, reads sim.json and compares the logs with the integer reference.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <string>

#include "Vtop.h"
#include "verilated.h"

static double cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

int main(int argc, char** argv) {
    const std::unique_ptr<VerilatedContext> ctx{new VerilatedContext};
    ctx->commandArgs(argc, argv);
    const std::string plus = ctx->commandArgsPlusMatch("OUTDIR=");
    if (plus.size() <= 8) {
        std::fprintf(stderr, "net_bulk_main: +OUTDIR=<folder> missing\n");
        return 2;
    }
    const std::string outdir = plus.substr(8);  // after "+OUTDIR="
    const std::unique_ptr<Vtop> top{new Vtop{ctx.get(), "TOP"}};
    top->clk = 0;
    top->eval();
    const auto w0 = std::chrono::steady_clock::now();
    const double c0 = cpu_seconds();
    while (!top->done && !ctx->gotFinish()) {
        top->clk = 1;
        top->eval();
        ctx->timeInc(5);
        top->clk = 0;
        top->eval();
        ctx->timeInc(5);
    }
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
    const double cpu = cpu_seconds() - c0;
    const unsigned long long cycles = top->cycles;
    const bool done = top->done;
    top->final();
    const std::string path = outdir + "/sim.json";
    const std::string tmp = path + ".tmp";
    FILE* f = std::fopen(tmp.c_str(), "w");
    if (!f) {
        std::fprintf(stderr, "net_bulk_main: cannot write %s\n", tmp.c_str());
        return 2;
    }
    std::fprintf(f, "{\"done\": %s, \"sim_cycles\": %llu, \"wall_s\": %.6f, \"cpu_s\": %.6f}\n",
                 done ? "true" : "false", cycles, wall, cpu);
    if (std::fclose(f) != 0 || std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::fprintf(stderr, "net_bulk_main: cannot write %s\n", path.c_str());
        return 2;
    }
    return done ? 0 : 1;
}
