using System.Runtime.InteropServices;

namespace FormulaTel.Games.Forza;

/// <summary>
/// The Sled block every Forza Data Out datagram starts with (232 bytes, little-endian), fields named as Forza's Data Out
/// documentation names them. Acceleration, velocity and angular velocity are in the car's own axes (X right, Y up,
/// Z forward); wheel groups run front-left, front-right, rear-left, rear-right.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct ForzaSled
{
    public int IsRaceOn;                              // 1 while racing; 0 in menus, pause and replays
    public uint TimestampMS;                          // milliseconds, wraps
    public float EngineMaxRpm;
    public float EngineIdleRpm;
    public float CurrentEngineRpm;
    public float AccelerationX;                       // m/s²
    public float AccelerationY;
    public float AccelerationZ;
    public float VelocityX;                           // m/s
    public float VelocityY;
    public float VelocityZ;
    public float AngularVelocityX;                    // rad/s: pitch
    public float AngularVelocityY;                    // yaw
    public float AngularVelocityZ;                    // roll
    public float Yaw;                                 // radians
    public float Pitch;
    public float Roll;
    public float NormalizedSuspensionTravelFrontLeft; // 0 fully stretched .. 1 fully compressed
    public float NormalizedSuspensionTravelFrontRight;
    public float NormalizedSuspensionTravelRearLeft;
    public float NormalizedSuspensionTravelRearRight;
    public float TireSlipRatioFrontLeft;              // 0 full grip, |x| > 1 grip lost
    public float TireSlipRatioFrontRight;
    public float TireSlipRatioRearLeft;
    public float TireSlipRatioRearRight;
    public float WheelRotationSpeedFrontLeft;         // rad/s
    public float WheelRotationSpeedFrontRight;
    public float WheelRotationSpeedRearLeft;
    public float WheelRotationSpeedRearRight;
    public int WheelOnRumbleStripFrontLeft;           // 1 on a rumble strip
    public int WheelOnRumbleStripFrontRight;
    public int WheelOnRumbleStripRearLeft;
    public int WheelOnRumbleStripRearRight;
    public float WheelInPuddleDepthFrontLeft;         // 0..1
    public float WheelInPuddleDepthFrontRight;
    public float WheelInPuddleDepthRearLeft;
    public float WheelInPuddleDepthRearRight;
    public float SurfaceRumbleFrontLeft;              // for force feedback
    public float SurfaceRumbleFrontRight;
    public float SurfaceRumbleRearLeft;
    public float SurfaceRumbleRearRight;
    public float TireSlipAngleFrontLeft;              // 0 full grip, |x| > 1 grip lost
    public float TireSlipAngleFrontRight;
    public float TireSlipAngleRearLeft;
    public float TireSlipAngleRearRight;
    public float TireCombinedSlipFrontLeft;           // 0 full grip, |x| > 1 grip lost
    public float TireCombinedSlipFrontRight;
    public float TireCombinedSlipRearLeft;
    public float TireCombinedSlipRearRight;
    public float SuspensionTravelMetersFrontLeft;     // metres
    public float SuspensionTravelMetersFrontRight;
    public float SuspensionTravelMetersRearLeft;
    public float SuspensionTravelMetersRearRight;
    public int CarOrdinal;                            // the car's id in the game
    public int CarClass;                              // 0 the lowest class .. 7 the highest
    public int CarPerformanceIndex;                   // 100..999
    public int DrivetrainType;                        // 0 FWD, 1 RWD, 2 AWD
    public int NumCylinders;
}
