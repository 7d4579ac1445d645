import { dynamoDbSdk, onDemandClass, organizationsSdk } from '../lambda/on-demand-sdk';

class Client {
  constructor(public readonly config: { region: string }) {}
}

describe('a stand-in for a class of an on-demand module', () => {
  test('loads the module at its first `new` only, and gives an instance of the module\'s class', () => {
    const load = jest.fn(() => ({ Client }));
    const StandIn = onDemandClass(load, 'Client');
    expect(load).not.toHaveBeenCalled();
    const client = new StandIn({ region: 'eu-west-1' });
    expect(client).toBeInstanceOf(Client);
    expect(client.config).toEqual({ region: 'eu-west-1' });
    expect(new StandIn({ region: 'us-east-1' })).toBeInstanceOf(StandIn);
    expect(load).toHaveBeenCalledTimes(1);
  });

  test('gives the real modules\' classes when jest runs the sources', () => {
    expect(new (onDemandClass(dynamoDbSdk, 'DynamoDBClient'))({ region: 'eu-west-1' })).toBeInstanceOf(dynamoDbSdk().DynamoDBClient);
    expect(new (onDemandClass(organizationsSdk, 'STSClient'))({ region: 'eu-west-1' })).toBeInstanceOf(organizationsSdk().STSClient);
  });
});
