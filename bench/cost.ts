/**
 * What scanning a terabyte costs on Lambda at the measured throughput.
 *
 * Price: AWS Lambda duration, Arm (Graviton), US East (N. Virginia), first tier (first 7.5 billion
 * GB-seconds a month): $0.0000133334 per GB-second; requests $0.20 per million. Source: the AWS
 * Lambda pricing page https://aws.amazon.com/lambda/pricing/ (its rate tables render client-side),
 * as transcribed in https://cloudchipr.com/blog/aws-lambda-pricing ("ARM Pricing - First 7.5
 * Billion GB-seconds per month: $0.0000133334 per GB-second"); looked up 2026-11-24.
 *
 * 1,769 MB is the size at which Lambda gives a function one full vCPU; our throughput is per
 * CPU-second, so one Lambda-second at that size scans one CPU-second's worth. This machine is an
 * x86 Xeon, not a Graviton: the figure projects, it does not measure, Lambda's speed.
 */
export const ARM_PRICE_PER_GB_SECOND = 0.0000133334;
export const PRICE_PER_MILLION_REQUESTS = 0.2;
export const ONE_VCPU_MEMORY_MB = 1769;
export const TB = 1e12;

export interface CostPerTB {
  /** Lambda-seconds (at 1,769 MB) to scan 10^12 decompressed bytes. */
  readonly seconds: number;
  readonly durationUsd: number;
  /** One invocation per object of `objectBytes`. */
  readonly requestsUsd: number;
  readonly totalUsd: number;
}

export function costPerTB(bytesPerCpuSecond: number, objectBytes: number): CostPerTB {
  const seconds = TB / bytesPerCpuSecond;
  // Lambda bills memory in GB of 1,024 MB.
  const durationUsd = seconds * (ONE_VCPU_MEMORY_MB / 1024) * ARM_PRICE_PER_GB_SECOND;
  const requestsUsd = (TB / objectBytes / 1e6) * PRICE_PER_MILLION_REQUESTS;
  return { seconds, durationUsd, requestsUsd, totalUsd: durationUsd + requestsUsd };
}
