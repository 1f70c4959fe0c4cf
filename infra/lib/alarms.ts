import { Duration } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { HandlerName } from '../../api/handlers';

export interface PetsAlarmsProps {
  stage: apigateway.Stage;
  functions: Record<HandlerName, lambda.IFunction>;
  /** An SNS topic to notify on alarm and on recovery; without one the alarms only show in the console. */
  topicArn?: string;
}

/**
 * One alarm per failure a shopper would notice: any 5XX answered by the API stage
 * (the Lambdas answer their own failures with 500, so this is where they show), and
 * per function any error (crash, timeout, out of memory) or throttle, each summed over
 * five minutes. No traffic is no alarm.
 */
export class PetsAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: PetsAlarmsProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    const add = (name: string, metric: cloudwatch.IMetric, description: string) => {
      this.alarms.push(
        new cloudwatch.Alarm(this, name, {
          metric,
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          alarmDescription: description,
        }),
      );
    };
    add(
      'Api5xx',
      props.stage.metricServerError({ period, statistic: cloudwatch.Stats.SUM }),
      `Secure Pets API stage ${props.stage.stageName} answered 5XX`,
    );
    for (const [name, fn] of Object.entries(props.functions) as [HandlerName, lambda.IFunction][]) {
      add(
        `${name}Errors`,
        fn.metricErrors({ period, statistic: cloudwatch.Stats.SUM }),
        `Secure Pets ${name} Lambda failed (error, timeout or out of memory)`,
      );
      add(
        `${name}Throttles`,
        fn.metricThrottles({ period, statistic: cloudwatch.Stats.SUM }),
        `Secure Pets ${name} Lambda was throttled (account concurrency exhausted)`,
      );
    }
    if (props.topicArn) {
      const action = new actions.SnsAction(sns.Topic.fromTopicArn(this, 'Topic', props.topicArn));
      for (const alarm of this.alarms) {
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
      }
    }
  }
}
