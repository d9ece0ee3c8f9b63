/**
 * The HTTP API: people authenticate with JWTs (role, providerId, municipalityCode claims) from the
 * agency's issuer or a Cognito user pool; terminal routes carry no JWT (they are signed, api.md).
 * Routes come from infra/system.ts ROUTES, which the functions' own route tables make.
 */
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { CfnStage, HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccountRecovery, FeaturePlan, Mfa, StandardThreatProtectionMode, UserPool } from 'aws-cdk-lib/aws-cognito';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ROUTES } from '../system';
import type { Functions } from './functions';

export interface ApiProps {
  functions: Functions;
  /** An external OIDC issuer; without it a Cognito user pool is created. */
  jwtIssuer?: string;
  jwtAudience?: string[];
}

export class Api extends Construct {
  readonly httpApi: HttpApi;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    let issuer = props.jwtIssuer;
    let audience = props.jwtAudience;
    if (!issuer) {
      const pool = new UserPool(this, 'People', {
        selfSignUpEnabled: false,
        signInAliases: { email: true },
        mfa: Mfa.REQUIRED,
        mfaSecondFactor: { sms: false, otp: true },
        passwordPolicy: { minLength: 12, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true },
        accountRecovery: AccountRecovery.EMAIL_ONLY,
        featurePlan: FeaturePlan.PLUS,
        standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
        customAttributes: {},
        removalPolicy: RemovalPolicy.RETAIN,
      });
      const client = pool.addClient('Staff', { generateSecret: false });
      issuer = `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${pool.userPoolId}`;
      audience = [client.userPoolClientId];
    }
    const authorizer = new HttpJwtAuthorizer('People', issuer, { jwtAudience: audience ?? [] });

    this.httpApi = new HttpApi(this, 'Api', { description: 'Voucher platform API (api.md)', createDefaultStage: true });
    const logs = new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.ONE_YEAR });
    (this.httpApi.defaultStage!.node.defaultChild as CfnStage).accessLogSettings = {
      destinationArn: logs.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId', ip: '$context.identity.sourceIp', routeKey: '$context.routeKey', status: '$context.status',
        latency: '$context.responseLatency', integrationError: '$context.integrationErrorMessage', sub: '$context.authorizer.claims.sub',
      }),
    };
    for (const route of ROUTES) {
      this.httpApi.addRoutes({
        path: route.path,
        methods: [route.method as HttpMethod],
        integration: new HttpLambdaIntegration(`${route.function}-${route.method}-${route.path}`, props.functions.byName[route.function]),
        ...(route.auth === 'jwt' ? { authorizer } : {}),
      });
    }
  }
}
