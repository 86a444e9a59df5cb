using FormulaTel.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace FormulaTel.Games.F1;

// Motion and Motion Ex: where each car is and, for the player's car, the extra physics.
public sealed partial class F1FrameMapper
{
    internal void MapMotion(in PacketMotionData packet, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        var active = ActiveCars(in packet.Header, sourceId, stackalloc bool[F1Limits.MaxCars]);
        for (var i = 0; i < F1Limits.MaxCars; i++)
        {
            if (!active[i])
            {
                continue;
            }

            ref readonly var car = ref packet.CarMotionData[i];
            output.Add(new TelemetryFrame
            {
                Envelope = Envelope(in packet.Header, i, sourceId, receivedAt),
                Motion = new Motion
                {
                    WorldPositionXM = car.WorldPositionX,
                    WorldPositionYM = car.WorldPositionY,
                    WorldPositionZM = car.WorldPositionZ,
                    WorldVelocityXMps = car.WorldVelocityX,
                    WorldVelocityYMps = car.WorldVelocityY,
                    WorldVelocityZMps = car.WorldVelocityZ,
                    WorldForwardDirX = Normalised(car.WorldForwardDirX),
                    WorldForwardDirY = Normalised(car.WorldForwardDirY),
                    WorldForwardDirZ = Normalised(car.WorldForwardDirZ),
                    WorldRightDirX = Normalised(car.WorldRightDirX),
                    WorldRightDirY = Normalised(car.WorldRightDirY),
                    WorldRightDirZ = Normalised(car.WorldRightDirZ),
                    GForceLateral = car.GForceLateral,
                    GForceLongitudinal = car.GForceLongitudinal,
                    GForceVertical = car.GForceVertical,
                    YawRad = car.Yaw,
                    PitchRad = car.Pitch,
                    RollRad = car.Roll,
                },
            });
        }
    }

    internal static void MapMotionEx(ReadOnlySpan<byte> datagram, ushort format, string sourceId, Timestamp receivedAt, List<TelemetryFrame> output)
    {
        // The three formats only append: F1 23's fields come first in all of them.
        ref readonly var p = ref F1Decoder.View<PacketMotionExData>(datagram);
        var m = new MotionEx
        {
            SuspensionPosition = Wheels(p.SuspensionPosition), SuspensionVelocity = Wheels(p.SuspensionVelocity),
            SuspensionAcceleration = Wheels(p.SuspensionAcceleration), WheelSpeed = Wheels(p.WheelSpeed),
            WheelSlipRatio = Wheels(p.WheelSlipRatio), WheelSlipAngle = Wheels(p.WheelSlipAngle),
            WheelLateralForce = Wheels(p.WheelLatForce), WheelLongitudinalForce = Wheels(p.WheelLongForce),
            CogHeightM = p.HeightOfCOGAboveGround, LocalVelocityXMps = p.LocalVelocityX, LocalVelocityYMps = p.LocalVelocityY, LocalVelocityZMps = p.LocalVelocityZ,
            AngularVelocityX = p.AngularVelocityX, AngularVelocityY = p.AngularVelocityY, AngularVelocityZ = p.AngularVelocityZ,
            AngularAccelerationX = p.AngularAccelerationX, AngularAccelerationY = p.AngularAccelerationY, AngularAccelerationZ = p.AngularAccelerationZ,
            FrontWheelsAngleRad = p.FrontWheelsAngle, WheelVerticalForce = Wheels(p.WheelVertForce),
        };
        if (format >= F1Decoder.Format2024)
        {
            ref readonly var p24 = ref F1Decoder.View<PacketMotionExData2024>(datagram);
            m.FrontAeroHeightM = p24.FrontAeroHeight;
            m.RearAeroHeightM = p24.RearAeroHeight;
            m.FrontRollAngleRad = p24.FrontRollAngle;
            m.RearRollAngleRad = p24.RearRollAngle;
            m.ChassisYawRad = p24.ChassisYaw;
        }

        if (format >= F1Decoder.Format2025)
        {
            ref readonly var p25 = ref F1Decoder.View<PacketMotionExData2025>(datagram);
            m.ChassisPitchRad = p25.ChassisPitch;
            m.WheelCamberRad = Wheels(p25.WheelCamber);
            m.WheelCamberGainRad = Wheels(p25.WheelCamberGain);
        }

        var frame = Frame(in p.Header, p.Header.PlayerCarIndex, sourceId, receivedAt);
        frame.MotionEx = m;
        output.Add(frame);
    }
}
