// tbb-pool: the oneTBB peer of suite pool (docs/peers.md), impl "tbb".
//
// Line protocol on stdin/stdout, one reply line per request:
//   run <group> <impl> <iters>  ->  ok <elapsed_ns> | err <message>
//   quit (or end of input)      ->  exit 0
//
// Two task_arenas, of 1 and 2 threads, are built once at start; groups
// ending in -t1 run in the first, -t2 in the second. One iteration is one
// whole run:
//   fib30-t1/t2, fib35-t1/t2  naive fib(n): a task_group at every call runs
//                             fib(n-1) as a task, computes fib(n-2) itself,
//                             then waits; no cutoff
//   sum-u32-t1/t2             parallel_reduce of the wrapping sum of
//                             (u64)x*x, x_i = (u32)(i * 2654435761)
//   sum-f64-t2                parallel_reduce of the sum of x*x,
//                             x_i = (i % 1000) * 0.001
// The 10^8-element arrays are filled on first use, outside the timing, with
// their serial sums; only one array is kept at a time. Every result is
// checked. The worker-pool groups (job-roundtrip, jobs-1M) are not served:
// TBB has no plain job queue that a caller outside the pool waits on.
//
// Build: g++ -std=c++17 -O2 -o tbb-pool tbb-pool.cpp -ltbb -pthread

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_reduce.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>

#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace {

constexpr std::size_t kSumN = 100000000;

std::uint64_t fib(int n)
{
    if (n < 2) return static_cast<std::uint64_t>(n);
    std::uint64_t a = 0;
    tbb::task_group g;
    g.run([&] { a = fib(n - 1); });
    std::uint64_t b = fib(n - 2);
    g.wait();
    return a + b;
}

std::uint64_t fib_serial(int n)
{
    std::uint64_t a = 0, b = 1;
    for (int i = 0; i < n; i++) {
        std::uint64_t t = a + b;
        a = b;
        b = t;
    }
    return a;
}

// A reply: ok with the elapsed ns, or err with the message.
struct Reply {
    bool ok;
    std::int64_t ns;
    std::string why;
};

Reply fail(const std::string &why) { return Reply{false, 0, why}; }

using Clock = std::chrono::steady_clock;

std::int64_t since(Clock::time_point t0)
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0)
        .count();
}

class Peer {
  public:
    Peer() : t1_(1), t2_(2)
    {
        t1_.initialize();
        t2_.initialize();
    }

    Reply run(const std::string &group, const std::string &impl,
              std::uint64_t iters)
    {
        if (impl != "tbb") return unsupported(group, impl);
        if (group == "fib30-t1") return run_fib(t1_, 30, iters);
        if (group == "fib30-t2") return run_fib(t2_, 30, iters);
        if (group == "fib35-t1") return run_fib(t1_, 35, iters);
        if (group == "fib35-t2") return run_fib(t2_, 35, iters);
        if (group == "sum-u32-t1") return run_sum_u32(t1_, iters);
        if (group == "sum-u32-t2") return run_sum_u32(t2_, iters);
        if (group == "sum-f64-t2") return run_sum_f64(t2_, iters);
        return unsupported(group, impl);
    }

  private:
    tbb::task_arena t1_, t2_;
    std::vector<std::uint32_t> u32_; // at most one of the arrays is filled
    std::vector<double> f64_;
    std::uint64_t u32_sum_ = 0;
    double f64_sum_ = 0;

    static Reply unsupported(const std::string &group, const std::string &impl)
    {
        return fail("tbb-pool does not serve group '" + group + "' impl '" +
                    impl + "'");
    }

    static Reply run_fib(tbb::task_arena &arena, int n, std::uint64_t iters)
    {
        const std::uint64_t want = fib_serial(n);
        auto t0 = Clock::now();
        for (std::uint64_t i = 0; i < iters; i++) {
            std::uint64_t got = arena.execute([n] { return fib(n); });
            if (got != want)
                return fail("fib is " + std::to_string(got) + ", expected " +
                            std::to_string(want));
        }
        return Reply{true, since(t0), ""};
    }

    void fill_u32()
    {
        if (!u32_.empty()) return;
        std::vector<double>().swap(f64_); // free the other array first
        u32_.resize(kSumN);
        u32_sum_ = 0;
        for (std::size_t i = 0; i < kSumN; i++) {
            std::uint32_t x = static_cast<std::uint32_t>(i * 2654435761u);
            u32_[i] = x;
            u32_sum_ += static_cast<std::uint64_t>(x) * x;
        }
    }

    void fill_f64()
    {
        if (!f64_.empty()) return;
        std::vector<std::uint32_t>().swap(u32_);
        f64_.resize(kSumN);
        f64_sum_ = 0;
        for (std::size_t i = 0; i < kSumN; i++) {
            double x = static_cast<double>(i % 1000) * 0.001;
            f64_[i] = x;
            f64_sum_ += x * x;
        }
    }

    Reply run_sum_u32(tbb::task_arena &arena, std::uint64_t iters)
    {
        fill_u32();
        const std::uint32_t *x = u32_.data();
        auto t0 = Clock::now();
        for (std::uint64_t it = 0; it < iters; it++) {
            std::uint64_t got = arena.execute([x] {
                return tbb::parallel_reduce(
                    tbb::blocked_range<std::size_t>(0, kSumN), std::uint64_t{0},
                    [x](const tbb::blocked_range<std::size_t> &r,
                        std::uint64_t s) {
                        for (std::size_t i = r.begin(); i != r.end(); i++)
                            s += static_cast<std::uint64_t>(x[i]) * x[i];
                        return s;
                    },
                    [](std::uint64_t a, std::uint64_t b) { return a + b; });
            });
            if (got != u32_sum_)
                return fail("sum is " + std::to_string(got) + ", expected " +
                            std::to_string(u32_sum_));
        }
        return Reply{true, since(t0), ""};
    }

    Reply run_sum_f64(tbb::task_arena &arena, std::uint64_t iters)
    {
        fill_f64();
        const double *x = f64_.data();
        auto t0 = Clock::now();
        for (std::uint64_t it = 0; it < iters; it++) {
            double got = arena.execute([x] {
                return tbb::parallel_reduce(
                    tbb::blocked_range<std::size_t>(0, kSumN), 0.0,
                    [x](const tbb::blocked_range<std::size_t> &r, double s) {
                        for (std::size_t i = r.begin(); i != r.end(); i++)
                            s += x[i] * x[i];
                        return s;
                    },
                    [](double a, double b) { return a + b; });
            });
            // The split changes the rounding; beyond 1e-9 is a bug.
            if (!(std::fabs(got - f64_sum_) <= 1e-9 * std::fabs(f64_sum_))) {
                std::ostringstream m;
                m.precision(17);
                m << "sum is " << got << ", expected " << f64_sum_;
                return fail(m.str());
            }
        }
        return Reply{true, since(t0), ""};
    }
};

} // namespace

int main()
{
    std::ios::sync_with_stdio(false);
    auto peer = std::make_unique<Peer>();
    std::string line;
    while (std::getline(std::cin, line)) {
        std::istringstream in(line);
        std::string verb, group, impl, count, extra;
        in >> verb >> group >> impl >> count;
        bool more = static_cast<bool>(in >> extra);
        Reply r;
        if (verb == "quit" && group.empty()) {
            return 0;
        } else if (verb == "run" && !count.empty() && !more) {
            std::uint64_t iters = 0;
            std::size_t used = 0;
            try {
                iters = std::stoull(count, &used);
            } catch (...) {
                used = 0;
            }
            if (used != count.size() || iters < 1 || count[0] == '-')
                r = fail("bad iteration count '" + count + "'");
            else
                r = peer->run(group, impl, iters);
        } else {
            r = fail("bad request '" + line + "'");
        }
        if (r.ok)
            std::cout << "ok " << r.ns << '\n';
        else
            std::cout << "err " << r.why << '\n';
        std::cout.flush();
        if (!std::cout) return 0; // the harness went away
    }
    return 0;
}
